#!/usr/bin/env python3
"""Extracts from Microsoft Graph's v1.0 metadata (msgraph-metadata, schemas/v1.0-Prod.csdl)
the part the toolkit's Graph code and the Graph stand-in use: the seed types below with their
base types, the complex and enum types their properties name (transitively), the actions
listed, and the users entity set. Navigation targets are kept as names only.

    python3 extract-subset.py v1.0-Prod.csdl > v1.0-Prod-subset.csdl
"""
import sys
import xml.etree.ElementTree as ET

EDMX = "http://docs.oasis-open.org/odata/ns/edmx"
EDM = "http://docs.oasis-open.org/odata/ns/edm"
SEEDS = ["user", "message", "mailFolder", "attachment", "fileAttachment", "itemAttachment",
         "singleValueLegacyExtendedProperty", "multiValueLegacyExtendedProperty", "uploadSession",
         "attachmentItem", "passwordProfile"]
ACTIONS = {"sendMail", "createUploadSession"}

ET.register_namespace("edmx", EDMX)
ET.register_namespace("", EDM)
tree = ET.parse(sys.argv[1])
schema = next(s for s in tree.getroot().iter("{%s}Schema" % EDM) if s.get("Namespace") == "microsoft.graph")
types = {}
for kind in ("EntityType", "ComplexType", "EnumType"):
    for e in schema.findall("{%s}%s" % (EDM, kind)):
        types[e.get("Name")] = e

def local(type_name):
    t = type_name
    if t.startswith("Collection(") and t.endswith(")"):
        t = t[len("Collection("):-1]
    return t[len("graph."):] if t.startswith("graph.") else (t[len("microsoft.graph."):] if t.startswith("microsoft.graph.") else None)

keep, todo = set(), list(SEEDS)
while todo:
    name = todo.pop()
    if name in keep or name not in types:
        continue
    keep.add(name)
    e = types[name]
    if e.get("BaseType"):
        todo.append(local(e.get("BaseType")))
    for p in e.findall("{%s}Property" % EDM):
        t = local(p.get("Type"))
        if t:
            todo.append(t)

actions = []
for a in schema.findall("{%s}Action" % EDM):
    if a.get("Name") in ACTIONS:
        actions.append(a)
        for p in a.findall("{%s}Parameter" % EDM):
            t = local(p.get("Type"))
            if t:
                todo.append(t)
while todo:
    name = todo.pop()
    if name in keep or name not in types:
        continue
    keep.add(name)
    e = types[name]
    if e.get("BaseType"):
        todo.append(local(e.get("BaseType")))
    for p in e.findall("{%s}Property" % EDM):
        t = local(p.get("Type"))
        if t:
            todo.append(t)

root = ET.Element("{%s}Edmx" % EDMX, {"Version": "4.0"})
services = ET.SubElement(root, "{%s}DataServices" % EDMX)
out = ET.SubElement(services, "{%s}Schema" % EDM, {"Namespace": "microsoft.graph", "Alias": "graph"})
for child in schema:
    tag = child.tag.split("}")[1]
    if tag in ("EntityType", "ComplexType", "EnumType") and child.get("Name") in keep:
        for ann in child.findall("{%s}Annotation" % EDM):
            child.remove(ann)
        for sub in child:
            for ann in sub.findall("{%s}Annotation" % EDM):
                sub.remove(ann)
        out.append(child)
for a in actions:
    for ann in a.findall("{%s}Annotation" % EDM):
        a.remove(ann)
    out.append(a)
container = ET.SubElement(out, "{%s}EntityContainer" % EDM, {"Name": "GraphService"})
ET.SubElement(container, "{%s}EntitySet" % EDM, {"Name": "users", "EntityType": "microsoft.graph.user"})
ET.indent(root)
sys.stdout.write('<?xml version="1.0" encoding="utf-8"?>\n')
sys.stdout.write('<!-- Extract of Microsoft Graph v1.0 metadata (microsoftgraph/msgraph-metadata, schemas/v1.0-Prod.csdl,\n'
                 '     commit f54f11b, 2026-08-20), MIT License, Copyright (c) 2018 Microsoft Graph; see\n'
                 '     LICENSE-msgraph-metadata beside it. Made by extract-subset.py; do not edit by hand. -->\n')
sys.stdout.write(ET.tostring(root, encoding="unicode"))
sys.stdout.write("\n")
