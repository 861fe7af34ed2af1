"""Floor for the notifier: a hand-written stream handler (boto3, one client at init, one
Publish per record)."""

import os

import boto3

sns = boto3.client("sns")


def lambda_handler(event: dict, context: object) -> dict:
    for record in event["Records"]:
        message = record["dynamodb"]["Keys"]["id"]["S"]
        sns.publish(TopicArn=os.environ["TOPIC_ARN"], Message=message)
    return {"batchItemFailures": []}
