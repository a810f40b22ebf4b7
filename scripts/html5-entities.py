"""Regenerates harness/util/python/html5-entities.ts from Python's own html module tables."""
import html
import html.entities
import json
from html import _invalid_charrefs, _invalid_codepoints

table = {
    "named": html.entities.html5,
    "invalidCharrefs": {str(k): v for k, v in sorted(_invalid_charrefs.items())},
    "invalidCodepoints": sorted(_invalid_codepoints),
}
text = json.dumps(table, ensure_ascii=False, separators=(",", ":"))
with open("harness/util/python/html5-entities.ts", "w", encoding="utf-8") as out:
    out.write(
        "/**\n"
        " * Generated data: the HTML standard named character references (WHATWG, CC BY 4.0), plus the\n"
        " * numeric-reference replacement tables, exactly as Python 3.11 html.unescape uses them\n"
        " * (html.entities.html5, html._invalid_charrefs, html._invalid_codepoints). Regenerate with\n"
        " * scripts/html5-entities.py; see html-unescape.ts.\n"
        " */\n"
        f"export const HTML5_ENTITIES_JSON = {json.dumps(text, ensure_ascii=False)};\n"
    )
