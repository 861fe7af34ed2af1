"""GET /articles/{slug} as FastAPI + Mangum: cold_start.py's comparison, never deployed.

The same route and the same S3 read as ContentFunction's, written the usual
FastAPI way; only its import cost is measured.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from fastapi import FastAPI, HTTPException
from mangum import Mangum

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

app = FastAPI(title="Clinic content")


@cache
def s3_client() -> S3Client:
    return boto3.client("s3")


@app.get("/articles/{slug}")
def get_article(slug: str) -> dict[str, Any]:
    bucket = os.environ["CONTENT_BUCKET"]
    try:
        response = s3_client().get_object(Bucket=bucket, Key=f"articles/{slug}.json")
    except s3_client().exceptions.NoSuchKey:
        raise HTTPException(status_code=404, detail="No published article has this slug.") from None
    return json.loads(response["Body"].read())


lambda_handler = Mangum(app)
