"""One writer per hotel, read from the rendered manifests of every hotel at once.

Two pods of one hotel would be two FIAS clients stealing the PMS's link from each other, two
sets of SIP registrations splitting the room phones' calls, and two writers on one SQLite
store; two hotels sharing a name, a selector or a claim would be one hotel's pod serving or
overwriting another's. `problems` lists every way the manifests would allow either.
"""

from __future__ import annotations

from collections.abc import Mapping

from tests.deploy.render import Doc

# Kinds that run pods with more than one replica, or several at once during a partition.
MULTI_POD_KINDS = frozenset({"Deployment", "ReplicaSet", "DaemonSet", "ReplicationController",
                             "Job", "CronJob", "Pod"})
SCALERS = frozenset({"HorizontalPodAutoscaler", "VerticalPodAutoscaler", "ScaledObject"})
# The StatefulSet's name, plus "-" and a 10-character hash, must fit a 63-character label.
MAX_STATEFULSET_NAME = 52


def _one_hotel(hotel: str, docs: list[Doc]) -> list[str]:
    problems: list[str] = []
    kinds = [d["kind"] for d in docs]
    problems += [f"{hotel}: a {k} (pods beside the StatefulSet's)" for k in kinds
                 if k in MULTI_POD_KINDS]
    problems += [f"{hotel}: a {k} could scale it" for k in kinds if k in SCALERS]
    sets = [d for d in docs if d["kind"] == "StatefulSet"]
    if len(sets) != 1:
        return [*problems, f"{hotel}: {len(sets)} StatefulSets, expected one"]
    sts = sets[0]
    spec = sts["spec"]
    if spec.get("replicas") != 1:
        problems.append(f"{hotel}: replicas {spec.get('replicas')!r}, must be exactly 1")
    if spec.get("podManagementPolicy", "OrderedReady") != "OrderedReady":
        problems.append(f"{hotel}: podManagementPolicy must be OrderedReady")
    if (spec.get("updateStrategy") or {}).get("type", "RollingUpdate") != "RollingUpdate":
        problems.append(f"{hotel}: updateStrategy must be RollingUpdate")
    if len(sts["metadata"]["name"]) > MAX_STATEFULSET_NAME:
        problems.append(f"{hotel}: StatefulSet name over {MAX_STATEFULSET_NAME} characters")
    headless = [d for d in docs if d["kind"] == "Service"
                and d["metadata"]["name"] == spec.get("serviceName")]
    if not headless or headless[0]["spec"].get("clusterIP") != "None":
        problems.append(f"{hotel}: serviceName must name a headless Service of the overlay")
    claims = spec.get("volumeClaimTemplates") or []
    if not claims or any(c["spec"].get("accessModes") != ["ReadWriteOnce"] for c in claims):
        problems.append(f"{hotel}: the store must be a ReadWriteOnce volume claim template")
    shared = [v["name"] for v in spec["template"]["spec"].get("volumes", [])
              if "persistentVolumeClaim" in v or "hostPath" in v or "nfs" in v]
    if shared:
        problems.append(f"{hotel}: volumes {shared} could be another pod's too")
    return problems


def _selects(selector: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


def problems(rendered: Mapping[str, list[Doc]]) -> list[str]:
    """Every way the hotels' manifests (hotel → rendered objects) would let one hotel run two
    pods, or two hotels share a pod, a Service's endpoints or a store. Empty: one writer."""
    found: list[str] = []
    owner: dict[tuple[str, str], str] = {}
    pod_labels: dict[str, Mapping[str, str]] = {}
    for hotel, docs in rendered.items():
        found += _one_hotel(hotel, docs)
        for doc in docs:
            key = (doc["kind"], doc["metadata"]["name"])
            if key in owner:
                found.append(f"{key[0]} {key[1]} is both {owner[key]}'s and {hotel}'s")
            owner.setdefault(key, hotel)
        for sts in (d for d in docs if d["kind"] == "StatefulSet"):
            pod_labels[hotel] = sts["spec"]["template"]["metadata"].get("labels") or {}
            # A claim is named <template>-<StatefulSet>-<ordinal>.
            for claim in sts["spec"].get("volumeClaimTemplates") or []:
                key = ("PersistentVolumeClaim",
                       f"{claim['metadata']['name']}-{sts['metadata']['name']}-0")
                if key in owner:
                    found.append(f"the claim {key[1]} is both {owner[key]}'s and {hotel}'s")
                owner.setdefault(key, hotel)
    for hotel, docs in rendered.items():
        selectors = [(d["kind"], d["metadata"]["name"], d["spec"].get("selector") or {})
                     for d in docs if d["kind"] == "Service"]
        selectors += [(d["kind"], d["metadata"]["name"], d["spec"]["selector"]["matchLabels"])
                      for d in docs if d["kind"] == "StatefulSet"]
        for kind, name, selector in selectors:
            chosen = sorted(h for h, labels in pod_labels.items() if _selects(selector, labels))
            if chosen != [hotel]:
                found.append(f"{hotel}'s {kind} {name} selects the pods of {chosen}")
    return found
