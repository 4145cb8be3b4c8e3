"""The registry: every rule, in code order. A code is never reused."""

from envlint.rules import env, files, network, parse, pins, python

ALL_RULES = (*parse.RULES, *pins.RULES, *network.RULES, *env.RULES, *python.RULES, *files.RULES)
