"""Floor for the content routes: a hand-written GET /articles/{slug} (boto3, one client at
init, one GetObject, the article's JSON as it is in the bucket)."""

import os

import boto3

s3 = boto3.client("s3")


def lambda_handler(event: dict, context: object) -> dict:
    key = f"articles/{event['pathParameters']['slug']}.json"
    body = s3.get_object(Bucket=os.environ["CONTENT_BUCKET"], Key=key)["Body"].read()
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": body.decode(),
    }
