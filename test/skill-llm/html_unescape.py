"""Reads a JSON list of strings on stdin and prints Python's html.unescape of each (golden tests)."""
import html
import json
import sys

print(json.dumps([html.unescape(text) for text in json.load(sys.stdin)]))
