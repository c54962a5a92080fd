#!/usr/bin/env bash
# Hand-written helper kept for reference: lists topics that are not READY.
kubectl get kafkatopic -n kafka -o jsonpath='{range .items[?(@.status.conditions[0].status!="True")]}{.metadata.name}{"\n"}{end}'
