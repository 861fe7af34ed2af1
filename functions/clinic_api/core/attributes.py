"""DynamoDB attribute values of the plain documents we store, as boto3's TypeSerializer
writes them, without importing boto3 (a cold start's worth of s3transfer and
multiprocessing) for the appointments function's one item."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef


def attribute_value(value: Any) -> AttributeValueTypeDef:
    """str, bool, int, Decimal, None, lists and string-keyed dicts of them; TypeError else
    (a float, as TypeSerializer refuses one: DynamoDB numbers are exact)."""
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bool):  # before int: a bool is an int
        return {"BOOL": value}
    if isinstance(value, int | Decimal):
        return {"N": str(value)}
    if value is None:
        return {"NULL": True}
    if isinstance(value, list | tuple):
        return {"L": [attribute_value(item) for item in value]}
    if isinstance(value, dict):
        return {"M": {str(key): attribute_value(item) for key, item in value.items()}}
    raise TypeError(f"no DynamoDB type for {type(value).__name__}")
