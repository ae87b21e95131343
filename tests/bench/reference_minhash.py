"""Reference for 同旨 grouping: datasketch's MinHash LSH (PyPI) on the same corpus and the
same folding (NFKC, lower case, no spaces or punctuation) and 3-gram shingles as pubcom,
scored by pair precision and recall against the planted campaigns.

    python3 tests/bench/reference_minhash.py target/bench/synth-20000.csv
"""
import csv
import sys
import time
import unicodedata

from datasketch import MinHash, MinHashLSH

PUNCT = set("、。，．・「」『』（）【】〔〕〈〉《》！？：；…‥〜～―—－ー")
PERMS, THRESHOLD = 64, 0.6


def fold(text):
    return "".join(
        c.lower()
        for c in unicodedata.normalize("NFKC", text)
        if not c.isspace() and not (c.isascii() and not c.isalnum()) and c not in PUNCT
    )


def pairs(n):
    return n * (n - 1) // 2


def main(path):
    truth_path = path.replace(".csv", ".campaigns.csv")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))[1:]
    texts = {int(r[0]): r[7] for r in rows}
    with open(truth_path, newline="") as f:
        truth = {int(r[0]): int(r[1]) for r in list(csv.reader(f))[1:]}

    start = time.perf_counter()
    folded = {no: fold(t) for no, t in texts.items()}
    exact = {}
    for no, t in folded.items():
        exact.setdefault(t, []).append(no)
    heads = {group[0]: group for group in exact.values()}
    signatures = {}
    for no in heads:
        t = folded[no]
        m = MinHash(num_perm=PERMS)
        m.update_batch([t[i : i + 3].encode() for i in range(len(t) - 2)])
        signatures[no] = m
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=PERMS)
    for no, m in signatures.items():
        lsh.insert(no, m)
    parent = {no: no for no in heads}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for no, m in signatures.items():
        for other in lsh.query(m):
            if other != no and m.jaccard(signatures[other]) >= THRESHOLD:
                parent[find(no)] = find(other)
    groups = {}
    for head, members in heads.items():
        groups.setdefault(find(head), []).extend(members)
    groups = [g for g in groups.values() if len(g) > 1]
    elapsed = time.perf_counter() - start

    tp = proposed = 0
    for g in groups:
        proposed += pairs(len(g))
        per = {}
        for no in g:
            if no in truth:
                per[truth[no]] = per.get(truth[no], 0) + 1
        tp += sum(pairs(n) for n in per.values())
    sizes = {}
    for c in truth.values():
        sizes[c] = sizes.get(c, 0) + 1
    actual = sum(pairs(n) for n in sizes.values())
    print(
        f"datasketch MinHashLSH: {len(texts)} comments, {len(groups)} groups in {elapsed:.1f} s; "
        f"precision {tp / proposed if proposed else 1:.3f}, recall {tp / actual if actual else 1:.3f}"
    )


if __name__ == "__main__":
    main(sys.argv[1])
