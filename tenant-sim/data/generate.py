#!/usr/bin/env python3
"""Generates tenant-sim's data files from Microsoft's published sources.

    python3 tenant-sim/data/generate.py \
        --devx-content  PATH  # git clone of https://github.com/microsoftgraph/microsoft-graph-devx-content
        --metadata      PATH  # git clone of https://github.com/microsoftgraph/msgraph-metadata
        --exchange-docs PATH  # git clone of https://github.com/MicrosoftDocs/office-developer-exchange-docs
        --powershell-docs PATH  # git clone of https://github.com/MicrosoftDocs/office-docs-powershell

writes tenant-sim/data/permissions.json (the delegated scopes and app roles of Microsoft Graph and
Office 365 Exchange Online) and tenant-sim/data/graph-v1.0-model.json (the Graph v1.0 path segments
tenant-sim needs to tell "not simulated" from "does not exist"). Each file records the repository,
commit and commit date it was generated from. The clones may be bare: files are read with `git show`
at HEAD. Only facts (names, ids, consent kinds, segment names) are taken over.
"""

import argparse
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
EXCHANGE_APP_ID = "00000002-0000-0ff1-ce00-000000000000"
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
HERE = Path(__file__).resolve().parent

# Office 365 Exchange Online permissions whose ids Microsoft publishes, each checked below against the
# manifest snippet of the page that gives it: (page in its repository, value, kind, id).
EXCHANGE_PERMISSIONS = [
    ("exchange-docs", "docs/exchange-web-services/how-to-authenticate-an-ews-application-by-using-oauth.md",
     "https://learn.microsoft.com/exchange/client-developer/exchange-web-services/how-to-authenticate-an-ews-application-by-using-oauth",
     "EWS.AccessAsUser.All", "Scope", "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5"),
    ("exchange-docs", "docs/exchange-web-services/how-to-authenticate-an-ews-application-by-using-oauth.md",
     "https://learn.microsoft.com/exchange/client-developer/exchange-web-services/how-to-authenticate-an-ews-application-by-using-oauth",
     "full_access_as_app", "Role", "dc890d15-9560-4a4c-9b7f-a736ec74ec40"),
    ("powershell-docs", "exchange/docs-conceptual/app-only-auth-powershell-v2.md",
     "https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2",
     "Exchange.ManageAsApp", "Role", "dc50a0fb-09a3-484d-be87-e023b12c6440"),
]

# The entity types whose segments tenant-sim routes (their base types are followed too).
MODEL_TYPES = [
    "application", "servicePrincipal", "user", "organization", "directoryRole", "domain",
    "oAuth2PermissionGrant", "roleManagement", "rbacApplication", "unifiedRoleAssignment",
    "unifiedRoleDefinition", "appRoleAssignment", "unifiedRoleEligibilityScheduleInstance",
    "unifiedRoleAssignmentScheduleInstance", "directoryObject",
]


def git(repo, *args):
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout


def source(repo, url, files):
    commit, date = git(repo, "log", "-1", "--format=%H %cI").split()
    return {"repository": url, "files": files, "commit": commit, "date": date}


def show(repo, path):
    return git(repo, "show", f"HEAD:{path}")


def graph_permissions(repo):
    """Microsoft Graph's permissions: those deployed in the public cloud (provisioningInfo.json, with
    their ids), with admin consent from permissions.json, and those of permissions-descriptions.json
    (the service principal's own lists as Graph Explorer ships them) that the first does not name."""
    described = json.loads(show(repo, "permissions/new/permissions.json"))["permissions"]
    deployed = json.loads(show(repo, "permissions/new/provisioningInfo.json"))["permissionDeployments"]
    listed = json.loads(show(repo, "permissions/permissions-descriptions.json"))
    found = {}  # (scheme, id) -> entry
    values = {}  # (scheme, lower-case value) -> id
    def add(scheme, ident, value, admin_consent, display_name):
        key = (scheme, ident)
        named = (scheme, value.lower())
        if key in found or named in values:
            return
        found[key] = {"id": ident, "value": value, "display_name": display_name or value}
        if scheme == "delegated":
            found[key]["admin_consent"] = admin_consent
        values[named] = ident
    for value in sorted(deployed, key=str.lower):
        for entry in deployed[value]:
            scheme = {"DelegatedWork": "delegated", "Application": "application"}.get(entry.get("scheme"))
            ident = (entry.get("id") or "").lower()
            environments = (entry.get("environment") or "").split(";")
            if scheme is None or "public" not in environments:
                continue
            if not entry.get("isEnabled") or entry.get("isHidden") or not GUID.match(ident):
                continue
            text = ((described.get(value) or {}).get("schemes") or {}).get(entry["scheme"])
            if text is None:
                continue
            add(scheme, ident, value, bool(text.get("requiresAdminConsent", True)),
                text.get("adminDisplayName"))
    for scheme, key in (("delegated", "delegatedScopesList"), ("application", "applicationScopesList")):
        for entry in listed[key]:
            ident = (entry.get("id") or "").lower()
            if entry.get("isEnabled") and GUID.match(ident):
                add(scheme, ident, entry["value"], bool(entry.get("isAdmin", True)),
                    entry.get("adminConsentDisplayName"))
    ordered = sorted(found.values(), key=lambda e: e["value"].lower())
    delegated = [e for (scheme, _), e in sorted(found.items(), key=lambda i: i[1]["value"].lower())
                 if scheme == "delegated"]
    application = [e for (scheme, _), e in sorted(found.items(), key=lambda i: i[1]["value"].lower())
                   if scheme == "application"]
    assert len(delegated) + len(application) == len(ordered)
    return delegated, application


def exchange_permissions(repos):
    delegated, application = [], []
    for repo_key, path, page, value, kind, ident in EXCHANGE_PERMISSIONS:
        text = show(repos[repo_key], path)
        block = re.search(r'"resourceAppId":\s*"' + EXCHANGE_APP_ID + r'".*?"id":\s*"' + ident
                          + r'",\s*"type":\s*"' + kind + '"', text, re.S)
        if block is None or value not in text:
            sys.exit(f"{path} no longer gives {value} = {ident} ({kind})")
        entry = {"id": ident, "value": value, "source": page}
        if kind == "Scope":
            # The page does not say who may consent; user consent is ours.
            delegated.append(dict(entry, admin_consent=False, display_name=value))
        else:
            application.append(dict(entry, display_name=value))
    return delegated, application


def model(repo):
    csdl = ET.fromstring(show(repo, "schemas/v1.0-Prod.csdl"))
    ns = {"edm": "http://docs.oasis-open.org/odata/ns/edm"}
    schema = next(s for s in csdl.iter("{%s}Schema" % ns["edm"]) if s.get("Namespace") == "microsoft.graph")
    strip = lambda t: re.sub(r"^(Collection\()?(graph|microsoft\.graph)\.", "", t or "").rstrip(")")
    entity_types, bases, navigation = [], {}, {}
    for entity in schema.findall("edm:EntityType", ns):
        name = entity.get("Name")
        entity_types.append(name)
        bases[name] = strip(entity.get("BaseType")) or None
        navigation[name] = {n.get("Name"): strip(n.get("Type"))
                            for n in entity.findall("edm:NavigationProperty", ns)}
    bound = {}
    for kind in ("Action", "Function"):
        for operation in schema.findall(f"edm:{kind}", ns):
            if operation.get("IsBound") != "true":
                continue
            binding = operation.find("edm:Parameter", ns).get("Type")
            key = ("collection:" if binding.startswith("Collection(") else "") + strip(binding)
            bound.setdefault(key, set()).add(operation.get("Name"))
    wanted, types = list(MODEL_TYPES), {}
    while wanted:
        name = wanted.pop()
        if name in types or name not in bases:
            continue
        types[name] = {
            "base": bases[name],
            "navigation": dict(sorted(navigation[name].items())),
            "operations": sorted(bound.get(name, ())),
            "collection_operations": sorted(bound.get("collection:" + name, ())),
        }
        if bases[name]:
            wanted.append(bases[name])
    container = csdl.find(".//edm:EntityContainer", ns)
    roots = {e.get("Name"): strip(e.get("EntityType")) for e in container.findall("edm:EntitySet", ns)}
    roots.update({e.get("Name"): strip(e.get("Type")) for e in container.findall("edm:Singleton", ns)})
    return {"roots": dict(sorted(roots.items())), "types": dict(sorted(types.items())),
            "entity_types": sorted(entity_types)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devx-content", required=True, type=Path)
    parser.add_argument("--metadata", required=True, type=Path)
    parser.add_argument("--exchange-docs", required=True, type=Path)
    parser.add_argument("--powershell-docs", required=True, type=Path)
    args = parser.parse_args()
    repos = {"exchange-docs": args.exchange_docs, "powershell-docs": args.powershell_docs}

    graph_delegated, graph_application = graph_permissions(args.devx_content)
    exchange_delegated, exchange_application = exchange_permissions(repos)
    permissions = {
        "generated_by": "tenant-sim/data/generate.py",
        "sources": {
            "microsoft_graph": source(
                args.devx_content, "https://github.com/microsoftgraph/microsoft-graph-devx-content",
                ["permissions/new/provisioningInfo.json", "permissions/new/permissions.json",
                 "permissions/permissions-descriptions.json"]),
            "exchange_web_services_docs": source(
                args.exchange_docs, "https://github.com/MicrosoftDocs/office-developer-exchange-docs",
                sorted({p for k, p, *_ in EXCHANGE_PERMISSIONS if k == "exchange-docs"})),
            "exchange_powershell_docs": source(
                args.powershell_docs, "https://github.com/MicrosoftDocs/office-docs-powershell",
                sorted({p for k, p, *_ in EXCHANGE_PERMISSIONS if k == "powershell-docs"})),
        },
        "note": "Microsoft Graph: every permission deployed in the public cloud, enabled and not hidden, "
                "and every enabled one of the service principal's lists that Graph Explorer ships, with "
                "its id and (delegated) whether it needs admin consent. Office 365 Exchange Online: the "
                "permissions whose ids Microsoft's pages give, each with its page.",
        "resources": [
            {"app_id": GRAPH_APP_ID, "display_name": "Microsoft Graph", "source": "microsoft_graph",
             "delegated": graph_delegated, "application": graph_application},
            {"app_id": EXCHANGE_APP_ID, "display_name": "Office 365 Exchange Online",
             "source": "exchange_web_services_docs, exchange_powershell_docs (see each entry)",
             "delegated": exchange_delegated, "application": exchange_application},
        ],
    }
    (HERE / "permissions.json").write_text(json.dumps(permissions, indent=1) + "\n")

    graph_model = model(args.metadata)
    graph_model = {
        "generated_by": "tenant-sim/data/generate.py",
        "source": source(args.metadata, "https://github.com/microsoftgraph/msgraph-metadata",
                         ["schemas/v1.0-Prod.csdl"]),
        "note": "The entity sets and singletons of Microsoft Graph v1.0, and for the types tenant-sim routes "
                "(and their base types) the navigation properties and bound actions and functions; every "
                "entity type name of the microsoft.graph namespace, for type-cast segments.",
        **graph_model,
    }
    (HERE / "graph-v1.0-model.json").write_text(json.dumps(graph_model, indent=1) + "\n")
    print(f"Microsoft Graph: {len(graph_delegated)} delegated, {len(graph_application)} application; "
          f"Exchange Online: {len(exchange_delegated)} delegated, {len(exchange_application)} application; "
          f"model: {len(graph_model['roots'])} roots, {len(graph_model['types'])} types")


if __name__ == "__main__":
    main()
