"""DynamoDB attribute values of the plain documents we store, and the documents back, as
boto3's TypeSerializer and TypeDeserializer make them, without importing boto3: its
package (s3transfer, multiprocessing, its resource layer) cost the appointments and staff
functions' cold starts about 40 ms each for these few lines."""

from __future__ import annotations

from collections.abc import Mapping
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


def plain_value(attribute: Mapping[str, Any]) -> Any:
    """The value an attribute holds: str, bool, Decimal, None, list, dict, or a set of
    strings, numbers or bytes; bytes for binary (boto3 wraps them in its `Binary`)."""
    ((kind, value),) = attribute.items()
    if kind == "S" or kind == "BOOL":
        return value
    if kind == "N":
        return Decimal(value)
    if kind == "NULL":
        return None
    if kind == "L":
        return [plain_value(item) for item in value]
    if kind == "M":
        return {key: plain_value(item) for key, item in value.items()}
    if kind == "SS":
        return set(value)
    if kind == "NS":
        return {Decimal(number) for number in value}
    if kind == "B":
        return bytes(value)
    if kind == "BS":
        return {bytes(item) for item in value}
    raise TypeError(f"not a DynamoDB attribute type: {kind}")
