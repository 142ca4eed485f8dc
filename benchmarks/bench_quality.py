"""Duplicate detection: precision and recall on planted duplicates, and time per base size.

Usage::

    python benchmarks/bench_quality.py [n_clients ...]     # default 5000 20000 100000

Prints two tables:

* **quality** — precision and recall of duplicate pairs on each synthetic base (and on the sample
  base of ``reportkit.io.sample`` when that module is present). Definitions: the *true groups* are
  the connected components of the planted pairs (``client_id_a``, ``client_id_b``); the
  *predicted groups* are the groups of :func:`reportkit.analysis.quality.find_duplicates`. Every pair of
  records inside a predicted group is a predicted pair; it is correct when both records are in
  the same true group. Precision = correct predicted pairs / predicted pairs; recall = true
  pairs (every pair inside a true group) that lie inside one predicted group / true pairs.
  ``links`` rows score the raw links (``Duplicates.pairs``) the same way (precision only makes
  sense there: recall of links is the recall of their components). Recall is also broken down
  by the kind of planted duplicate.
* **timing** — stage, size (client records), seconds, ratio (seconds relative to the smallest
  size, so linear growth shows a ratio equal to the size ratio).

The synthetic clients are seeded and cached in ``benchmarks/_data/`` (git-ignored). Each base has
~6 % duplicate records of five kinds: same tax id (name spelled with a different legal form),
same phone in another format (name with a typo), same e-mail in another case, name with a
one-letter typo only, name written differently only (word order, quotes, legal form, ё, case);
a duplicate card carries only the key of its kind (name-only duplicates no phone, e-mail or tax
id); one in ten duplicate groups has three records. Noise: a call-centre phone shared by 1 % of
records, placeholder tax ids, blank and "-" cells, and unrelated companies whose names share
words (there is no other truth to them: any group joining them counts as a false positive).
Names are invented words of 3–4 syllables from 40 (plus an optional common word or a second
invented word); denser name spaces make more distinct companies differ by a single letter,
which no name comparison can tell from a typo, and lower the precision of name-only links.
"""

from __future__ import annotations

import sys
import time
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from reportkit import schema as S
from reportkit.io.config import QualitySettings
from reportkit.analysis.quality import find_duplicates

DATA = Path(__file__).resolve().parent / "_data"

_SYLLABLES = ("ал", "бе", "ви", "гра", "до", "ер", "жи", "зо", "ин", "ка", "ло", "ми", "но", "ор",
              "пе", "ра", "си", "то", "ун", "фа", "хи", "це", "ча", "ша", "эл", "юр", "яс", "вол",
              "стан", "тех", "мак", "лин", "рос", "вер", "сар", "тон", "гал", "мир", "дор", "кон")
_WORDS = ("Строй", "Трейд", "Групп", "Сервис", "Торговый дом", "Плюс", "Логистик", "Инвест",
          "Агро", "Техника", "Снаб", "Холдинг", "Маркет", "Проект", "Систем", "Мед", "Фарм",
          "Авто", "Металл", "Пром")
_FORMS = ("ООО", "АО", "ЗАО", "ИП", "ПАО")
_SPELLED = {"ООО": "Общество с ограниченной ответственностью", "АО": "Акционерное общество",
            "ЗАО": "Закрытое акционерное общество", "ИП": "Индивидуальный предприниматель",
            "ПАО": "Публичное акционерное общество"}
_TRANSLIT = str.maketrans("абвгдезиклмнопрстуфхцчшэюяжй",
                          "abvgdeziklmnoprstufhccsuyajy")
_KINDS = ("tax_id", "phone", "email", "name_typo", "name_variant")


def _inn10(rng: np.random.Generator) -> str:
    w = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    d = [int(rng.integers(1, 10)), *(int(x) for x in rng.integers(0, 10, 8))]
    return "".join(map(str, d)) + str(sum(a * b for a, b in zip(d, w)) % 11 % 10)


def _word(rng: np.random.Generator, syllables: tuple[int, int] = (3, 5)) -> str:
    k = int(rng.integers(*syllables))
    return "".join(_SYLLABLES[i] for i in rng.integers(0, len(_SYLLABLES), k)).capitalize()


def _phone(rng: np.random.Generator) -> str:
    return "9" + "".join(map(str, rng.integers(0, 10, 9)))


def _fmt_phone(p: str, style: int) -> str:
    if style == 0:
        return f"8 ({p[:3]}) {p[3:6]}-{p[6:8]}-{p[8:]}"
    if style == 1:
        return f"+7 {p[:3]} {p[3:6]} {p[6:8]} {p[8:]}"
    if style == 2:
        return f"7{p}"
    return f"8-{p[:3]}-{p[3:]} доб. {int(p[-2:]) + 100}"


def _typo(name: str, rng: np.random.Generator) -> str:
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    i = letters[int(rng.integers(1, len(letters)))]
    op = int(rng.integers(0, 3))
    if op == 0:
        return name[:i] + name[i + 1:]                            # deletion
    if op == 1:
        return name[:i] + name[i] + name[i:]                      # doubled letter
    j = min(i + 1, len(name) - 1)
    return name[:i] + name[j] + name[i] + name[j + 1:] if name[j].isalpha() else name


def _variant(core: str, form: str, rng: np.random.Generator) -> str:
    choice = int(rng.integers(0, 4))
    words = core.split()
    if choice == 0 and len(words) > 1:
        return f"{' '.join(reversed(words))} {form}"
    if choice == 1:
        return f"{_SPELLED[form]} «{core.upper()}»"
    if choice == 2:
        return f"{core}, {form}"
    return f"{form} \"{core.lower()}\""


def make_clients(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Seeded synthetic clients table with planted duplicates, and the truth pairs."""
    path = DATA / f"quality_clients_{n}_{seed}.parquet"
    truth_path = DATA / f"quality_truth_{n}_{seed}.parquet"
    if path.is_file() and truth_path.is_file():
        return pd.read_parquet(path), pd.read_parquet(truth_path)
    rng = np.random.default_rng(seed)
    n_dup = int(n * 0.06)
    n_orig = n - n_dup
    cores: set[str] = set()
    core_list = []
    while len(core_list) < n_orig:
        w = _word(rng)
        r = rng.random()
        core = w if r < 0.4 else (f"{w} {_WORDS[int(rng.integers(0, len(_WORDS)))]}" if r < 0.85
                                  else f"{w} {_word(rng, (2, 4))}")
        if core.lower() not in cores:
            cores.add(core.lower())
            core_list.append(core)
    forms = [_FORMS[i] for i in rng.choice(len(_FORMS), n_orig, p=[.6, .15, .1, .1, .05])]
    rows = []
    for k in range(n_orig):
        core, form = core_list[k], forms[k]
        phone = _phone(rng) if rng.random() < 0.8 else None
        rows.append({
            "name": f"{form} «{core}»",
            "phone": _fmt_phone(phone, int(rng.integers(0, 3))) if phone else
            (None if rng.random() < 0.5 else "-"),
            "email": (f"{core.lower().translate(_TRANSLIT).replace(' ', '')}{k}@mail.ru"
                      if rng.random() < 0.6 else None),
            "tax_id": _inn10(rng) if rng.random() < 0.7 else (
                "0000000000" if rng.random() < 0.05 else None),
            "_core": core, "_form": form, "_phone": phone,
        })
    # generic values: a call-centre phone on 1 % of records
    for k in rng.choice(n_orig, max(1, n // 100), replace=False):
        rows[k]["phone"] = "8 800 555-35-35"
        rows[k]["_phone"] = None
    truth = []
    originals = rng.choice(n_orig, n_dup, replace=False)
    dup_rows = []
    made = 0
    for k in originals:
        if made >= n_dup:
            break
        src = rows[k]
        copies = 2 if rng.random() < 0.1 else 1
        kind = _KINDS[int(rng.integers(0, len(_KINDS)))]
        if kind == "phone" and not src["_phone"]:
            kind = "name_typo"
        if kind == "email" and not src["email"]:
            kind = "name_variant"
        if kind == "tax_id" and not (src["tax_id"] and src["tax_id"] != "0000000000"):
            kind = "name_variant"
        if kind == "name_typo" and len(src["_core"]) < 8:
            kind = "name_variant"
        for _ in range(copies):
            core, form = src["_core"], src["_form"]
            new = {"name": None, "phone": None, "email": None, "tax_id": None}
            if kind == "tax_id":
                new["name"] = _variant(core, form, rng)
                new["tax_id"] = src["tax_id"][:3] + " " + src["tax_id"][3:]
            elif kind == "phone":
                new["name"] = f"{form} {_typo(core, rng)}"
                new["phone"] = _fmt_phone(src["_phone"], 3)
            elif kind == "email":
                new["name"] = f"{core} {form}"
                new["email"] = " " + src["email"].upper()
            elif kind == "name_typo":
                new["name"] = f"{form} «{_typo(core, rng)}»"
            else:
                new["name"] = _variant(core, form, rng)
            new["_src"] = k
            new["_kind"] = kind
            dup_rows.append(new)
            made += 1
    ids = [f"C{i:07d}" for i in rng.permutation(n_orig + len(dup_rows))]
    clients = pd.DataFrame([{k: v for k, v in r.items() if not k.startswith("_")}
                            for r in rows + dup_rows])
    clients.insert(0, S.CLIENT_ID, ids)
    for j, d in enumerate(dup_rows):
        truth.append((ids[d["_src"]], ids[n_orig + j], d["_kind"]))
    truth_df = pd.DataFrame(truth, columns=[S.CLIENT_ID_A, S.CLIENT_ID_B, "kind"])
    clients = clients.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    DATA.mkdir(parents=True, exist_ok=True)
    clients.to_parquet(path)
    truth_df.to_parquet(truth_path)
    return clients, truth_df


def _components(pairs: pd.DataFrame, a: str, b: str) -> dict[str, int]:
    """client_id -> component label of the graph given by the pairs (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in zip(pairs[a], pairs[b]):
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[rx] = ry
    roots = {x: find(x) for x in list(parent)}
    labels = {r: i for i, r in enumerate(sorted(set(roots.values())))}
    return {x: labels[r] for x, r in roots.items()}


def evaluate(dups, truth: pd.DataFrame) -> list[tuple[str, float, int]]:
    """(metric, value, support) rows: pair precision / recall as defined in the module doc."""
    true_group = _components(truth, S.CLIENT_ID_A, S.CLIENT_ID_B)
    pred_group = dict(zip(dups.clients[S.CLIENT_ID], dups.clients[S.GROUP_ID]))

    def same(mapping: dict, x: str, y: str) -> bool:
        return x in mapping and y in mapping and mapping[x] == mapping[y]

    predicted = [p for _, g in dups.clients.groupby(S.GROUP_ID)[S.CLIENT_ID]
                 for p in combinations(sorted(g), 2)]
    members: dict[int, list[str]] = {}
    for cid, g in true_group.items():
        members.setdefault(g, []).append(cid)
    true_pairs = [p for m in members.values() for p in combinations(sorted(m), 2)]
    correct = sum(same(true_group, x, y) for x, y in predicted)
    found = sum(same(pred_group, x, y) for x, y in true_pairs)
    link_ok = sum(same(true_group, x, y)
                  for x, y in zip(dups.pairs[S.CLIENT_ID_A], dups.pairs[S.CLIENT_ID_B]))
    out = [("precision (pairs in predicted groups)", correct / max(len(predicted), 1),
            len(predicted)),
           ("recall (pairs in true groups)", found / max(len(true_pairs), 1), len(true_pairs)),
           ("precision (raw links)", link_ok / max(len(dups.pairs), 1), len(dups.pairs))]
    for conf in ("high", "medium", "low"):
        sel = dups.pairs[dups.pairs[S.CONFIDENCE] == conf]
        ok = sum(same(true_group, x, y) for x, y in zip(sel[S.CLIENT_ID_A], sel[S.CLIENT_ID_B]))
        out.append((f"precision (raw links, {conf} confidence)", ok / max(len(sel), 1),
                    len(sel)))
    if "kind" in truth.columns:
        for kind, t in truth.groupby("kind"):
            hit = sum(same(pred_group, x, y) for x, y in zip(t[S.CLIENT_ID_A], t[S.CLIENT_ID_B]))
            out.append((f"recall of planted pairs: {kind}", hit / len(t), len(t)))
    return out


def _sample_truth():
    try:
        from reportkit.io.sample import make_base
    except ImportError:
        return None
    base = make_base(2000, 3, random_state=0, lang="ru")
    truth = base.truth["duplicates"]
    return base.clients, base.transactions, truth


def main(sizes: list[int]) -> None:
    quality_rows = []
    timing = []
    settings = QualitySettings()
    sample = _sample_truth()
    if sample is not None:
        clients, tx, truth = sample
        t = time.perf_counter()
        d = find_duplicates(clients, transactions=tx, settings=settings)
        timing.append(("find_duplicates (sample base)", len(clients), time.perf_counter() - t))
        quality_rows += [("sample base", *r) for r in evaluate(d, truth)]
    for n in sizes:
        clients, truth = make_clients(n)
        t = time.perf_counter()
        d = find_duplicates(clients, settings=settings)
        timing.append(("find_duplicates", len(clients), time.perf_counter() - t))
        if n <= 20_000 or n == max(sizes):
            quality_rows += [(f"synthetic {n:,}", *r) for r in evaluate(d, truth)]
    q = pd.DataFrame(quality_rows, columns=["base", "metric", "value", "support"])
    print("quality")
    print(q.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    tt = pd.DataFrame(timing, columns=["stage", "size", "seconds"])
    base = tt[tt["stage"] == "find_duplicates"]["seconds"]
    tt["ratio"] = tt["seconds"] / (base.iloc[0] if len(base) else tt["seconds"].iloc[0])
    print("\ntiming (shared 2-core machine)")
    print(tt.to_string(index=False, float_format=lambda v: f"{v:.2f}"))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [5_000, 20_000, 100_000])
