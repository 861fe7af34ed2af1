"""Floor for the appointments and staff routes: a hand-written POST /appointments (boto3, one
client at init, one PutItem of the body's fields, unchecked)."""

import json
import os
import uuid

import boto3

dynamodb = boto3.client("dynamodb")


def lambda_handler(event: dict, context: object) -> dict:
    fields = json.loads(event.get("body") or "{}")
    item = {"id": {"S": str(uuid.uuid4())}, **{k: {"S": str(v)} for k, v in fields.items()}}
    dynamodb.put_item(TableName=os.environ["REQUESTS_TABLE"], Item=item)
    return {"statusCode": 201, "body": json.dumps({"id": item["id"]["S"]})}
