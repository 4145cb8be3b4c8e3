"""The Render Blueprint (render.yaml) as a JSON schema: the single source of what a Blueprint may
hold. `schemas/render.schema.json` is generated from `SCHEMA` (`python -m
envlint.extract.render_schema > schemas/render.schema.json`) and a test fails when they drift.

Written from Render's Blueprint reference, https://render.com/docs/blueprint-spec, as summarised with
sources in ../shared/docs/render-blueprint.md (section numbers below point there). Only what those
notes support is here: fields of Render's newer schema that the notes do not describe (such as
`buildSources`) are left out. Deprecated forms are allowed but marked `deprecated` with an
`x-replacement`, so they warn instead of fail. `title` names a thing in messages; `x-message`,
`x-hints` and `x-key-hints` only word messages (envlint/schemacheck.py), never change validity.
"""

from __future__ import annotations

NATIVE_RUNTIMES = ["node", "python", "elixir", "go", "ruby", "rust"]
RUNTIMES = [*NATIVE_RUNTIMES, "docker", "image", "static"]  # §3
REGIONS = ["oregon", "ohio", "virginia", "frankfurt", "singapore"]  # §4.1

# §4.1: instance plans; lower case, `pro plus` with a space. The flexible slugs are the newer schema's.
_LEGACY = ["starter", "standard", "pro", "pro plus"]
_FLEXIBLE = ["0.5c-512mb", "1c-2g", "2c-4g", "2c-8g", "2c-16g", "4c-8g", "4c-16g", "4c-32g",
             "8c-16g", "8c-32g", "8c-64g"]
_FLEXIBLE_12 = ["12c-24g", "12c-48g", "12c-96g"]
WEB_PLANS = ["free", *_LEGACY, "pro max", "pro ultra", *_FLEXIBLE, *_FLEXIBLE_12]
PRIVATE_PLANS = WEB_PLANS[1:]  # no `free` for pserv / worker (§3)
CRON_PLANS = [*_LEGACY, *_FLEXIBLE]  # no free, pro max, pro ultra or 12c-* (§4.1)
KEYVALUE_PLANS = ["free", *_LEGACY, "pro max", "pro ultra", "256mb", "1g", "3g", "5g", "10g", "20g", "40g", "50g"]
# §6: Postgres. The notes give the families' ends (`pro-4gb` … `pro-512gb`, `accelerated-16gb` …,
# flexible `0.1c-256mb` … `128c-1024g`), so the families are patterns and only the rest is listed.
POSTGRES_PLANS = ["free", "basic-256mb", "basic-1gb", "basic-4gb", *_LEGACY]
POSTGRES_PLAN_FAMILIES = r"^(pro-[0-9]+gb|accelerated-[0-9]+gb|[0-9]+(\.[0-9]+)?c-[0-9]+(mb|g))$"
POSTGRES_VERSIONS = [str(v) for v in range(10, 19)]  # strings: an unquoted 16 is an int (§6)
FROM_SERVICE_TYPES = ["web", "cron", "worker", "pserv", "workflow", "static", "dpg", "job", "redis", "keyvalue"]  # §5


def _ref(name: str) -> dict:
    return {"$ref": f"#/$defs/{name}"}


def _enum(values: list, title: str) -> dict:
    return {"title": title, "enum": values}


def _string(**extra) -> dict:
    return {"type": "string", **extra}


def _int(minimum: int, maximum: int | None = None) -> dict:
    schema = {"type": "integer", "minimum": minimum}
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def _array(items: dict) -> dict:
    return {"type": "array", "items": items}


def _object(title: str, properties: dict, required: list[str] = (), **extra) -> dict:
    schema = {"title": title, "type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return {**schema, **extra}


def _deprecated(schema: dict, replacement: str | dict) -> dict:
    return {**schema, "deprecated": True, "x-replacement": replacement}


def _plans(values: list, kind: str) -> dict:
    schema = _enum(values, f"Render plan for a {kind}")
    if "free" not in values:  # §3: no free instances for private services, workers and cron jobs
        schema["x-hints"] = {"free": "the free plan is for web services (and Key Value, Postgres) only"}
    return schema


def _postgres_plan() -> dict:
    title = "Render Postgres plan"
    family = {"title": title, "type": "string", "pattern": POSTGRES_PLAN_FAMILIES}
    return {"anyOf": [_enum(POSTGRES_PLANS, title), family]}


def _server_fields(plans: list, kind: str) -> dict:
    """Fields every service with a build and a running instance has: web, pserv, worker, cron (§4)."""
    return {
        "name": _string(minLength=1),
        "type": {"type": "string"},
        "runtime": _ref("runtime"),
        "env": _deprecated(_ref("runtime"), "`runtime: {value}`"),  # §3: "`env` is still supported but is discouraged"
        "plan": _plans(plans, kind),
        "region": _ref("region"),
        "repo": _string(),
        "branch": _string(),
        "rootDir": _string(),
        "buildCommand": _string(),
        "startCommand": _string(),
        "preDeployCommand": _string(),
        "dockerCommand": _string(),
        "dockerfilePath": _string(),
        "dockerContext": _string(),
        "registryCredential": _ref("registryCredential"),
        "image": _ref("image"),
        "autoDeployTrigger": _ref("autoDeployTrigger"),
        "autoDeploy": _deprecated(
            {"type": "boolean"}, {"true": "`autoDeployTrigger: commit`", "false": "`autoDeployTrigger: off`"}
        ),
        "buildFilter": _ref("buildFilter"),
        "envVars": _array(_ref("envVar")),
        "previews": _object(
            "service previews setting",
            {"generation": _ref("previewGeneration"), "plan": _plans(plans, kind), "numInstances": _int(1)},
        ),
        "previewPlan": _deprecated(_plans(plans, kind), "`previews.plan`"),  # §4.1, [SK-CM #6]
    }


_RUNNING = {  # web, pserv, worker: long-running instances (§4.1, §4.4)
    "numInstances": _int(1),
    "scaling": _ref("scaling"),
    "disk": _ref("disk"),
    "maxShutdownDelaySeconds": _int(1, 300),
    "pullRequestPreviewsEnabled": _deprecated({"type": "boolean"}, "`previews.generation: automatic`"),
}
_PUBLIC = {  # web services and static sites only (§4.1)
    "domains": _array(_string()),
    "domain": _string(),
    "ipAllowList": _ref("ipAllowList"),
    "renderSubdomainPolicy": _enum(["enabled", "disabled"], "renderSubdomainPolicy value"),
}
_SERVICE_KEY_HINTS = {
    "port": "Render sends web traffic to `$PORT`; set it with an envVars entry `key: PORT`",
    "envVariables": "environment variables go under `envVars:`",
}


def _native_needs_commands() -> dict:
    """§4.2: buildCommand and startCommand are required for non-Docker services."""
    native = {"enum": NATIVE_RUNTIMES}
    return {
        "if": {"anyOf": [
            {"required": ["runtime"], "properties": {"runtime": native}},
            {"required": ["env"], "properties": {"env": native}},
        ]},
        "then": {"required": ["buildCommand", "startCommand"]},
    }


_NEEDS_RUNTIME = {"anyOf": [{"required": ["runtime"]}, {"required": ["env"]}], "x-message": "needs `runtime`"}
_IMAGE_NEEDS_IMAGE = {  # §4.3: `runtime: image` pulls `image.url`
    "if": {"required": ["runtime"], "properties": {"runtime": {"const": "image"}}},
    "then": {"required": ["image"]},
}


_KIND_KEY_HINTS = {  # keys that exist, but not on this kind of service
    "private service or worker": {
        "healthCheckPath": "only web services get HTTP health checks; private services get TCP checks",
        **dict.fromkeys(["domains", "domain", "ipAllowList", "renderSubdomainPolicy"], "only web services have it"),
    },
    "cron job": {
        "disk": "cron jobs cannot use disks",
        **dict.fromkeys(["numInstances", "scaling"], "a cron job runs one instance per schedule"),
        "healthCheckPath": "only web services get HTTP health checks",
    },
    "static site": {
        **dict.fromkeys(["plan", "region", "numInstances", "scaling", "disk"], "a static site has no instances"),
        **dict.fromkeys(["startCommand", "dockerCommand"], "a static site runs nothing: it serves `staticPublishPath`"),
    },
}


def _service_kind(title: str, properties: dict, required: list[str], *rules: dict) -> dict:
    hints = {**_SERVICE_KEY_HINTS, **_KIND_KEY_HINTS.get(title, {})}
    return _object(title, properties, required, allOf=[_NEEDS_RUNTIME, *rules], **{"x-key-hints": hints})


def _env_var_forms(group: bool) -> dict:
    """§5: each entry is exactly one form; an env group holds only literal and generated values."""
    title = "env group entry" if group else "envVars entry"
    hints = {
        "scope": "Render's envVars entries have no `scope` (a variable is set for the whole service)",
        "fromEnvVar": "to copy another service's variable use `fromService: {type, name, envVarKey}`",
    }
    if group:
        hints = {
            # §5 envVarGroups: a group "cannot hold `sync: false`" (render.com/docs/blueprint-spec)
            "sync": "`sync: false` is not valid in an env group (Render ignores it there, so nobody is prompted): "
                    "put the key on the services with `sync: false`, or set its value on the group in the Dashboard",
            **{k: f"an env group cannot use `{k}` (groups cannot reference other resources); "
                  "put this entry in each service's envVars"
               for k in ("fromDatabase", "fromService", "fromGroup")},
        }
    key = _string(minLength=1)
    value = {"title": "string or number", "type": ["string", "number"]}
    shapes = [({"value": value, "previewValue": value}, "value"),
              ({"generateValue": {"const": True}, "previewValue": value}, "generateValue")]
    if not group:
        shapes += [({"sync": {"const": False}}, "sync"), ({"fromDatabase": _ref("fromDatabase")}, "fromDatabase"),
                   ({"fromService": _ref("fromService")}, "fromService")]
    forms = [_object(title, {"key": key, **fields}, ["key", source], **{"x-key-hints": hints})
             for fields, source in shapes]
    if not group:
        forms.append(_object(title, {"fromGroup": _string(minLength=1)}, ["fromGroup"]))
    sources = "`value` or `generateValue: true`" if group else (
        "`value`, `sync: false`, `generateValue: true`, `fromDatabase` or `fromService`")
    return {
        "title": title,
        "oneOf": forms,
        "x-message": f"needs a value next to `key` ({sources})" + ("" if group else ", or only `fromGroup`"),
        "x-key-hints": hints,
    }


def _container(title: str, **extra_properties) -> dict:
    """What holds resources: the root, `ungrouped` and each project environment (§2)."""
    return _object(title, {
        "services": _array(_ref("service")),
        "databases": _array(_ref("database")),
        "envVarGroups": _array(_ref("envVarGroup")),
        **extra_properties,
    })


def _type_is(*types: str) -> dict:
    return {"required": ["type"], "properties": {"type": {"enum": list(types)}}}


_STATIC = {"anyOf": [
    {"required": ["runtime"], "properties": {"runtime": {"const": "static"}}},
    {"required": ["env"], "properties": {"env": {"const": "static"}}},
]}

_web = {
    **_server_fields(WEB_PLANS, "web service"), **_RUNNING, **_PUBLIC,
    "healthCheckPath": {"title": "path starting with `/`", "type": "string", "pattern": "^/"},  # §4.1, web only
    "maintenanceMode": _object("maintenanceMode setting", {"enabled": {"type": "boolean"}, "uri": _string()}),
    "initialDeployHook": _string(),
}
_private = {**_server_fields(PRIVATE_PLANS, "private service or worker"), **_RUNNING, "initialDeployHook": _string()}
_cron = {**_server_fields(CRON_PLANS, "cron job"), "schedule": _string(minLength=1)}  # no disk, no scaling (§3)
_static = {  # §4.5: no plan, region, startCommand, disk or numInstances
    **{k: v for k, v in _server_fields(WEB_PLANS, "static site").items()
       if k in ("name", "type", "runtime", "env", "repo", "branch", "rootDir", "buildCommand", "autoDeployTrigger",
                "autoDeploy", "buildFilter", "envVars")},
    **_PUBLIC,
    "staticPublishPath": _string(),
    "headers": _array(_object("header rule", {"path": _string(), "name": _string(), "value": _string()},
                              ["path", "name", "value"])),
    "routes": _array(_object("route rule", {
        "type": _enum(["redirect", "rewrite"], "route type"), "source": _string(), "destination": _string(),
    }, ["type", "source", "destination"])),
    "previews": _object("service previews setting", {"generation": _ref("previewGeneration")}),
    "pullRequestPreviewsEnabled": _deprecated({"type": "boolean"}, "`previews.generation: automatic`"),
}
_workflow = {  # §3: Render Workflows (the newer schema): runtime node|python, region, startCommand required
    **{k: v for k, v in _server_fields(WEB_PLANS, "workflow").items()
       if k in ("name", "type", "plan", "region", "repo", "branch", "rootDir", "buildCommand",
                "startCommand", "autoDeployTrigger", "autoDeploy", "buildFilter", "envVars")},
    "runtime": _enum(["node", "python"], "workflow runtime"),
}
_keyvalue = {  # §4.6
    "name": _string(minLength=1),
    "type": {"type": "string"},
    "ipAllowList": _ref("ipAllowList"),
    "region": _ref("region"),
    "plan": _plans(KEYVALUE_PLANS, "Key Value instance"),
    "previewPlan": _plans(KEYVALUE_PLANS, "Key Value instance"),
    "maxmemoryPolicy": _enum(["allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-lfu", "allkeys-random",
                              "volatile-random", "volatile-ttl", "noeviction"], "maxmemoryPolicy value"),
    "persistenceMode": _enum(["journal-snapshot", "snapshot", "off"], "persistenceMode value"),
}

SERVICE_TYPES = ["web", "pserv", "worker", "cron", "keyvalue", "redis", "workflow"]

SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "description": "Render Blueprint (render.yaml), written from https://render.com/docs/blueprint-spec "
                   "by envlint/extract/render_schema.py; generated, do not edit.",
    **_container(
        "Blueprint",
        projects=_array(_ref("project")),
        ungrouped=_container("ungrouped section"),
        previews=_object("previews setting", {"generation": _ref("previewGeneration"), "expireAfterDays": _int(1)}),
        previewsEnabled=_deprecated({"type": "boolean"}, "`previews.generation: automatic`"),
        previewsExpireAfterDays=_deprecated(_int(1), "`previews.expireAfterDays`"),
        version={"title": "Blueprint version", "const": "1"},
    ),
    "$defs": {
        "runtime": _enum(RUNTIMES, "Render runtime"),
        "region": _enum(REGIONS, "Render region"),
        "autoDeployTrigger": _enum(["commit", "checksPass", "off"], "autoDeployTrigger value"),
        "previewGeneration": _enum(["off", "manual", "automatic"], "previews generation value"),
        "service": {
            "title": "service",
            "type": "object",
            "required": ["name", "type"],
            "properties": {
                "name": _string(minLength=1),
                "type": {
                    **_enum(SERVICE_TYPES, "Render service type"),
                    "x-hints": {
                        **dict.fromkeys(["database", "db", "postgres", "postgresql"],
                                        "Render Postgres goes in the top-level `databases:` list"),
                        **dict.fromkeys(["static", "static_site"],
                                        "a static site is `type: web` with `runtime: static`"),
                    },
                },
            },
            "allOf": [
                {"if": {**_type_is("web"), **_STATIC}, "then": _ref("staticSite")},
                {"if": {**_type_is("web"), "not": _STATIC}, "then": _ref("webService")},
                {"if": _type_is("pserv", "worker"), "then": _ref("privateService")},
                {"if": _type_is("cron"), "then": _ref("cronJob")},
                {"if": _type_is("workflow"), "then": _ref("workflow")},
                {"if": _type_is("keyvalue", "redis"), "then": _ref("keyValue")},
                {"if": _type_is("redis"), "then": {"properties": {"type": _deprecated({}, "`type: keyvalue`")}}},
            ],
        },
        "webService": _service_kind("web service", _web, [], _native_needs_commands(), _IMAGE_NEEDS_IMAGE),
        "privateService": _service_kind("private service or worker", _private, [],
                                        _native_needs_commands(), _IMAGE_NEEDS_IMAGE),
        "cronJob": _service_kind("cron job", _cron, ["schedule"], _native_needs_commands(),
                                 _IMAGE_NEEDS_IMAGE),
        "staticSite": _service_kind("static site", _static, ["staticPublishPath"]),
        "workflow": _object("workflow", _workflow, ["runtime", "region", "startCommand"]),
        "keyValue": _object("Key Value instance", _keyvalue, ["ipAllowList"]),
        "envVar": _env_var_forms(group=False),
        "groupEnvVar": _env_var_forms(group=True),
        "fromDatabase": _object("fromDatabase reference", {
            "name": _string(minLength=1),
            "property": _enum(["connectionString", "connectionPoolString", "host", "port", "user", "password",
                               "database"], "fromDatabase property"),
        }, ["name", "property"]),
        "fromService": _object("fromService reference", {
            "name": _string(minLength=1),
            "type": _enum(FROM_SERVICE_TYPES, "fromService type"),
            "property": _enum(["host", "port", "hostport", "connectionString", "slug"], "fromService property"),
            "envVarKey": _string(minLength=1),
        }, ["name", "type"], oneOf=[{"required": ["property"]}, {"required": ["envVarKey"]}],
            **{"x-message": "needs `property` or `envVarKey`"}),
        "envVarGroup": _object("env group", {"name": _string(minLength=1), "envVars": _array(_ref("groupEnvVar"))},
                               ["name", "envVars"]),
        "ipAllowList": _array(_object("ipAllowList entry", {"source": _string(minLength=1),
                                                            "description": _string()}, ["source"])),
        "registryCredential": _object("registryCredential setting", {"fromRegistryCreds": _ref("registryCreds")},
                                      ["fromRegistryCreds"]),
        "registryCreds": _object("fromRegistryCreds reference", {"name": _string(minLength=1)}, ["name"]),
        "image": _object("image setting", {"url": _string(minLength=1), "creds": _ref("registryCredential")}, ["url"]),
        "buildFilter": _object("buildFilter setting", {"paths": _array(_string()), "ignoredPaths": _array(_string())},
                               anyOf=[{"required": ["paths"]}, {"required": ["ignoredPaths"]}],
                               **{"x-message": "needs `paths` or `ignoredPaths`"}),
        "scaling": _object("scaling setting", {  # §4.4
            "minInstances": _int(1), "maxInstances": _int(1),
            "targetMemoryPercent": _int(1, 90), "targetCPUPercent": _int(1, 90),
        }, ["minInstances", "maxInstances"],
            anyOf=[{"required": ["targetMemoryPercent"]}, {"required": ["targetCPUPercent"]}],
            **{"x-message": "needs `targetMemoryPercent` or `targetCPUPercent`"}),
        "disk": _object("disk setting", {  # §4.4
            "name": _string(minLength=1),
            "mountPath": {"title": "absolute path", "type": "string", "pattern": "^/"},
            "sizeGB": _int(1),
        }, ["name", "mountPath"]),
        "database": _object("database", {  # §6
            "name": _string(minLength=1),
            "plan": _postgres_plan(),
            "previewPlan": _postgres_plan(),
            "diskSizeGB": _int(1),
            "previewDiskSizeGB": _int(1),
            "storageAutoscalingEnabled": {"type": "boolean"},
            "postgresMajorVersion": _enum(POSTGRES_VERSIONS, "Postgres major version (a string)"),
            "databaseName": _string(minLength=1),
            "user": _string(minLength=1),
            "region": _ref("region"),
            "ipAllowList": _ref("ipAllowList"),
            "readReplicas": _array(_object("read replica", {"name": _string(minLength=1)}, ["name"])),
            "highAvailability": _object("highAvailability setting", {"enabled": {"type": "boolean"}}),
            "connectionPool": _enum(["pgbouncer", "none"], "connectionPool value"),
        }, ["name"]),
        "project": _object("project", {"name": _string(minLength=1), "environments": _array(_ref("environment"))},
                           ["name", "environments"]),
        "environment": {**_container(
            "project environment",
            name=_string(minLength=1),
            networking=_object("networking setting", {"isolation": _enum(["enabled", "disabled"], "isolation value")}),
            permissions=_object("permissions setting",
                                {"protection": _enum(["enabled", "disabled"], "protection value")}),
        ), "required": ["name"]},
    },
}


def schema_text() -> str:
    """schemas/render.schema.json, as committed."""
    import json  # not at import: a check never writes the schema

    return json.dumps(SCHEMA, indent=2) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
