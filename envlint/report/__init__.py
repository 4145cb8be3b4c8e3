"""Reporters: each writes findings to the stream it is given and decides nothing."""

from envlint.report import json_format, text

REPORTERS = {"text": text.write, "json": json_format.write}
