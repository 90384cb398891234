"""FastAPI writes OpenAPI 3.1; OGC API – Features (``conf/oas30``) and many GIS clients read 3.0.

:func:`downgrade` rewrites the few 3.1 constructs FastAPI and pydantic emit into their 3.0 forms.
"""

from typing import Any


def _schema(node: Any) -> Any:
    if isinstance(node, list):
        return [_schema(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _schema(v) for k, v in node.items()}
    for key in ("anyOf", "oneOf"):
        options = out.get(key)
        if isinstance(options, list) and {"type": "null"} in options:
            rest = [o for o in options if o != {"type": "null"}]
            del out[key]
            if len(rest) == 1:
                out = {**rest[0], **out}
            else:
                out[key] = rest
            out["nullable"] = True
    if isinstance(out.get("type"), list):
        types = [t for t in out["type"] if t != "null"]
        if len(types) < len(out["type"]):
            out["nullable"] = True
        out["type"] = types[0] if len(types) == 1 else types
    if "const" in out:
        out["enum"] = [out.pop("const")]
    if isinstance(out.get("examples"), list) and "examples" not in node.get("properties", {}):
        examples = out.pop("examples")
        if examples:
            out["example"] = examples[0]
    for bound, flag in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(bound), int | float) and not isinstance(out.get(bound), bool):
            out[flag] = out.pop(bound)
            out[bound] = True
    return out


def downgrade(doc: dict[str, Any]) -> dict[str, Any]:
    """An OpenAPI 3.0.3 document equivalent to FastAPI's 3.1 ``doc``."""
    out = dict(doc)
    out["openapi"] = "3.0.3"
    out["paths"] = _schema(doc.get("paths", {}))
    if "components" in doc:
        out["components"] = _schema(doc["components"])
    return out
