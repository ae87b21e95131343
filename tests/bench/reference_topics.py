"""Reference for the topic suggestions: scikit-learn on the same comments, read from the same
SQLite database — character-bigram TF-IDF (min_df=2, max_df=0.5, sublinear tf) and k-means
(MiniBatchKMeans, k = n/15 capped at 2,000, as pubcom's first round). Prints the time and,
when the comments have a 分類, purity and NMI of the clusters against it (every comment
clustered: k-means suggests every comment, pubcom only the groups it finds coherent).

    python3 tests/bench/reference_topics.py DB.sqlite3 SLUG
"""
import math
import sqlite3
import sys
import time
import unicodedata
from collections import Counter

from sklearn.cluster import MiniBatchKMeans
from sklearn.feature_extraction.text import TfidfVectorizer


def purity_nmi(pairs):
    n = len(pairs)
    joint = Counter(pairs)
    by_k = Counter(k for k, _ in pairs)
    by_l = Counter(l for _, l in pairs)
    best = Counter()
    for (k, _), c in joint.items():
        best[k] = max(best[k], c)
    purity = sum(best.values()) / n
    ent = lambda m: -sum(c / n * math.log(c / n) for c in m.values())
    mi = sum(c / n * math.log(c * n / (by_k[k] * by_l[l])) for (k, l), c in joint.items())
    hk, hl = ent(by_k), ent(by_l)
    return purity, (2 * mi / (hk + hl) if hk + hl > 0 else 1.0)


def main(path, slug):
    start = time.perf_counter()
    db = sqlite3.connect(path)
    rows = db.execute(
        "SELECT c.id, c.body, c.category_id FROM comments c JOIN consultations k ON k.id = c.consultation_id "
        "WHERE k.slug = ? AND NOT EXISTS (SELECT 1 FROM topic_members m WHERE m.comment_id = c.id) ORDER BY c.id",
        (slug,),
    ).fetchall()
    texts = [unicodedata.normalize("NFKC", r[1]).lower() for r in rows]
    tfidf = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), min_df=2, max_df=0.5, sublinear_tf=True)
    x = tfidf.fit_transform(texts)
    k = max(2, min(2000, len(texts) // 15))
    labels = MiniBatchKMeans(n_clusters=k, random_state=1, n_init=1, batch_size=4096).fit_predict(x)
    took = time.perf_counter() - start
    print(f"reference (scikit-learn): {len(texts)} comments, {k} clusters in {took:.1f} s")
    truth = [(int(l), r[2]) for l, r in zip(labels, rows) if r[2] is not None]
    if truth:
        p, nmi = purity_nmi(truth)
        print(f"against 分類 ({len(truth)} comments): purity {p:.3f}, NMI {nmi:.3f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
