#!/usr/bin/env python3
"""Independent generator of synthetic パブコメ data with planted 同旨 campaigns.

Written (by a helper that did not read pubcom's code) from the 同旨 issue's description of
the hard case: short templates, greeting and closing blocks of several lines shared with
ordinary comments, long quotations many comments share. Standard library only;
deterministic (random.Random(SEED)).

    python3 tests/bench/independent_campaigns.py [SAMPLES_DIR] [OUT_DIR]

writes OUT_DIR/synth-100000.csv and OUT_DIR/synth-100000.campaigns.csv (the truth file
`pubcom bench` reads): `pubcom bench --comments 100000 --dir OUT_DIR --only import,group`
scores pubcom's 同旨 proposals on it."""
import csv, math, os, random, re, sys
from collections import Counter, defaultdict
from itertools import combinations

SEED, N, NCAMP, CAMP_TOTAL, CAMP_MAX, CAMP_MIN = 20240611, 100000, 20, 35000, 12000, 50
SAMPLES = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '../../../shared/samples')
OUT = sys.argv[2] if len(sys.argv) > 2 else '/tmp/ext'
HEADER = '資料NO.,氏名・名称,属性,対象,ページ（原案）,パート（原案）,分類,意見'
rng = random.Random(SEED)

# ---------- real sentences from the samples ----------
def split(text):
    out = []
    for s in re.findall(r'[^。！？]+[。！？]', text):
        s = re.sub(r'[ \t\u3000]+', ' ', s.replace('\n', '')).strip(' ・※')
        if 10 <= len(s) <= 220 and not re.search(r'[<>|]|https?:|[（(]P\d+[）)]', s) \
                and not re.match(r'^[）)」』、。をにはがのとでへや]', s):
            out.append(s)
    return out

comments = []  # real comment texts
for line in open(os.path.join(SAMPLES, 'mhlw-gl6-draft-comments.tsv'), encoding='utf-8'):
    p = line.rstrip('\n').split('\t')
    if len(p) >= 6 and p[0].strip().isdigit():
        comments.append(re.sub(r'<[^>]+>', ' ', p[5]))
with open(os.path.join(SAMPLES, 'mic-cloud-gl-published-excerpt.csv'), encoding='utf-8') as f:
    comments += [r['意見'] for r in csv.DictReader(f)]
gl = ''.join(l.strip() for l in open(os.path.join(SAMPLES, 'mhlw-gl5.1-shinkyu-taishohyo.txt'),
                                      encoding='utf-8') if not l.strip().isdigit())

seen = []  # trigram sets: drop near-identical sentences (旧/新 text repeats itself)
def fresh(s):
    g = {s[i:i + 3] for i in range(len(s) - 2)}
    if any(len(g & h) / len(g | h) > 0.5 for h in seen):
        return False
    seen.append(g)
    return True

runs = [[s for s in split(c) if fresh(s)] for c in comments]      # per real comment, in order
runs = [r for r in runs if r]
guide = [s for s in split(gl) if len(s) <= 160 and fresh(s)]      # guideline text (often quoted)

# ---------- greeting / closing pools ----------
ORGS = [f'{a}{b}{c}' for a, b, c in [
    ('一般社団法人', '日本医療情報', '協会'), ('公益社団法人', '全国病院', '連合会'), ('特定非営利活動法人', '地域医療連携', 'ネットワーク'),
    ('一般社団法人', '保健医療福祉情報', '工業会'), ('一般財団法人', '医療安全推進', '機構'), ('株式会社', 'メディカルクラウド', ''),
    ('一般社団法人', '東北診療所', '協議会'), ('公益社団法人', '九州歯科医師', '会'), ('特定非営利活動法人', '医療ＩＴ', '研究会'),
    ('一般社団法人', '関西臨床検査', '協会'), ('株式会社', '北陸ヘルスケアシステムズ', ''), ('一般社団法人', '全国薬局情報', '協議会')]]
ROLES = ['医療情報部の部長', '情報システム担当の責任者', '事務局長', 'セキュリティ委員会の委員長', '理事']
G_FIX = ['いつもお世話になっております。', 'お疲れ様です。', '意見を提出いたします。', '以下のとおり意見を申し上げます。',
         '標記の件について意見を提出します。', 'パブリックコメントに意見を提出させていただきます。',
         '医療機関でシステム管理を担当している者です。', '診療所を開業している医師です。', '病院の事務職員です。',
         'ガイドライン案を拝見しました。', '御担当者様', '厚生労働省 御中', '関係各位', 'お世話になります。',
         '意見募集に対して以下のとおり意見を提出いたします。', '一市民として意見を述べさせていただきます。',
         '私は地方の中規模病院で十年以上にわたり医療情報システムの運用管理を担当している者として、本ガイドライン案について以下のとおり意見を申し上げます。',
         '医療情報システムの安全管理に関するガイドライン第6.0版（案）について、日頃から医療現場でシステムを利用している立場から意見を申し上げます。',
         '平素より医療情報の安全管理に関する施策の推進に多大なる御尽力を賜り、厚く御礼申し上げます。以下のとおり意見を提出いたします。',
         '小規模な歯科診療所を経営しており、院内のネットワークや電子カルテの管理も自分で行っている者として、現場の実情を踏まえて意見を提出します。',
         '医療機器メーカーで製品セキュリティを担当しております。医療機関に製品を納入する立場から、本案について次のとおり意見を申し上げます。']
G_ORG = ['{o}の{r}を務めております。当会の会員の意見を取りまとめましたので、以下のとおり提出いたします。',
         '{o}でございます。本ガイドライン案に対する当法人としての意見を以下に記載いたします。']
C_FIX = ['以上、よろしくお願いいたします。', 'よろしくお願いします。', '以上です。', 'ご検討のほどよろしくお願い申し上げます。',
         'ご検討をお願いいたします。', '何卒よろしくお願い申し上げます。', '以上、意見として提出いたします。', 'ご対応をお願いします。',
         'よろしくご配慮ください。', 'ご高配を賜りますようお願い申し上げます。', '以上、ご査収ください。', '宜しくお願い致します。',
         '本ガイドラインの改定にご尽力されている関係者の皆様に深く敬意を表するとともに、上記の意見についてご検討いただけますよう、何卒よろしくお願い申し上げます。',
         '現場の負担にも十分に配慮していただき、医療機関等が無理なく対応できるガイドラインとなるよう、ご検討のほどよろしくお願いいたします。',
         '長文となり恐縮ですが、医療情報の安全な利活用に向けて少しでも参考になれば幸いです。今後ともどうぞよろしくお願い申し上げます。',
         '意見募集の機会を設けていただきありがとうございました。最終版の公表を心待ちにしております。',
         '以上の点について、Q&A等で具体例を示していただけると大変助かります。よろしくお願いいたします。']
C_ORG = ['{o}として、上記の点について前向きにご検討いただけますようお願い申し上げます。',
         '本意見は{o}の会員からの意見を取りまとめたものです。ご検討のほどよろしくお願いいたします。']
GREET = list(dict.fromkeys(G_FIX + [t.format(o=o, r=ROLES[i % 5]) for i, o in enumerate(ORGS) for t in G_ORG]))
CLOSE = list(dict.fromkeys(C_FIX + [t.format(o=o) for o in ORGS for t in C_ORG]))
assert len(GREET) >= 40 and len(CLOSE) >= 30

# ---------- campaign templates ----------
def zipf_sizes():
    lo, hi = 0.0, 200.0
    for _ in range(200):
        b = (lo + hi) / 2
        s = math.log(CAMP_MAX / CAMP_MIN) / math.log((NCAMP + b) / (1 + b))
        c = CAMP_MAX * (1 + b) ** s
        lo, hi = (b, hi) if sum(c / (k + b) ** s for k in range(1, NCAMP + 1)) < CAMP_TOTAL else (lo, b)
    return [round(c / (k + b) ** s) for k in range(1, NCAMP + 1)]

SIZES = zipf_sizes()
used = set()
def pick_run(k, lo, hi):
    """k consecutive sentences of one real comment (else random ones), body length in [lo, hi]."""
    for attempt in range(20000):
        if attempt < 5000:
            r = rng.choice(runs)
            if len(r) < k: continue
            i = rng.randrange(len(r) - k + 1); sents = r[i:i + k]
        else:
            sents = [rng.choice(rng.choice(runs)) for _ in range(k)]
        if len(set(sents)) == k and not used & set(sents) and lo <= sum(map(len, sents)) <= hi:
            used.update(sents); return sents
    raise SystemExit(f'no template body for k={k}')

short_flags = [True] * 12 + [False] * 8
rng.shuffle(short_flags)
FIELDS = dict(対象=['GL', '概説編', '経営管理編', '企画管理編', 'システム運用編', '全般', ''],
              分類=['情報セキュリティに関する考え方の整理', 'その他・全般', '外部委託、外部サービスの利用',
                  '全体構成の見直し', '新技術、制度・規格の変更への対応', ''])
def fields():
    page = rng.choice(['全般', '', '—', f'P{rng.randint(1, 120)}', f'P{rng.randint(1, 120)}'])
    part = rng.choice(['全般', '', f'{rng.randint(1, 8)}.{rng.randint(1, 6)}', f'{rng.randint(1, 8)}.{rng.randint(1, 6)}.{rng.randint(1, 5)}({rng.randint(1, 4)})'])
    return [rng.choice(FIELDS['対象']), page, part, rng.choice(FIELDS['分類'])]

templates = []
for cid, short in enumerate(short_flags):
    body = pick_run(rng.choice([2, 3, 3, 3]), 60, 250) if short else pick_run(rng.randint(4, 9), 300, 800)
    templates.append(dict(g=rng.choice(GREET) if rng.random() < 0.7 else None, body=body,
                          c=rng.choice(CLOSE) if rng.random() < 0.6 else None,
                          sep=rng.choice(['', '\n']), ind=rng.choice(['', '　']), f=fields()))

def assemble(g, body, c, sep, ind):
    parts = ([g] if g else []) + [ind + sep.join(body) if sep == '' else sep.join(ind + s for s in body)] + ([c] if c else [])
    return '\n'.join(parts)

WIDTH = str.maketrans('0123456789 ０１２３４５６７８９　', '０１２３４５６７８９　0123456789 ')
FILL = 'のをにはがとでもへやかなしたるいうれてす事者等報情医療機関理管安全'
def other_line(pool, cur):
    return None if cur and rng.random() < 0.3 else rng.choice([x for x in pool if x != cur])

def make_copy(t):
    if rng.random() < 0.10:
        return assemble(t['g'], t['body'], t['c'], t['sep'], t['ind']), ['none']
    while True:
        want = {e: rng.random() < p for e, p in [('greeting', .667), ('closing', .556), ('drop', .333),
                                                  ('swap', .333), ('chars', .444), ('width', .333)]}
        if any(want.values()): break
    g, c, body, done = t['g'], t['c'], list(t['body']), []
    if want['greeting']: g = other_line(GREET, g); done.append('greeting')
    if want['closing']: c = other_line(CLOSE, c); done.append('closing')
    if want['drop'] and len(body) >= 3: del body[rng.randrange(len(body))]; done.append('drop')
    if want['swap'] and len(body) >= 2:
        i = rng.randrange(len(body) - 1); body[i], body[i + 1] = body[i + 1], body[i]; done.append('swap')
    if want['chars']:
        body = list(body)
        for _ in range(rng.randint(1, 3)):
            j = rng.randrange(len(body)); s = body[j]; k = rng.randrange(len(s))
            body[j] = s[:k] + rng.choice([ch for ch in FILL if ch != s[k]]) + s[k + 1:]
        done.append('chars')
    text = assemble(g, body, c, t['sep'], t['ind'])
    if want['width'] and text.translate(WIDTH) != text: text = text.translate(WIDTH); done.append('width')
    return text, done or ['none']

items = []  # dict(text, fields, camp, edits, kind)
for cid, (t, n) in enumerate(zip(templates, SIZES)):
    for _ in range(n):
        text, ed = make_copy(t)
        items.append(dict(text=text, f=t['f'] if rng.random() < 0.8 else fields(), camp=cid, edits='+'.join(ed), kind='camp'))

# ---------- ordinary comments (bodies kept pairwise dissimilar: sentence Jaccard < 0.4) ----------
pool = [s for r in runs for s in r if s not in used] + guide
short_pool = sorted(s for s in pool if len(s) < 40)
rng.shuffle(short_pool)
short_pool = short_pool[:min(150, len(short_pool) // 2)]    # reserved: each becomes one bare one-sentence comment
pool = [s for s in pool if s not in set(short_pool)]
bodies, by_pair, by_sent = [], defaultdict(list), defaultdict(list)
def body_ok(b):
    sb = set(b); cands = set()
    if len(b) <= 2:
        for s in b: cands.update(by_sent[s])
    for p in combinations(sorted(b), 2): cands.update(by_pair.get(p, ()))
    for i in cands:
        e = set(bodies[i])
        if len(sb & e) / len(sb | e) >= 0.4: return False
    return True
def add_body(b):
    bodies.append(b); i = len(bodies) - 1
    if len(b) <= 2:
        for s in b: by_sent[s].append(i)
    if len(b) <= 12:
        for p in combinations(sorted(b), 2): by_pair[p].append(i)
bumps = 0
def new_body(k, src=None):
    """random body of k sentences; after each 100 rejections k grows by one."""
    global bumps
    for a in range(1000):
        if a and a % 100 == 0: k += 1; bumps += 1
        b = rng.sample(src or pool, k)
        if k > 12 or body_ok(b): add_body(b); return b
    raise SystemExit('sentence pool exhausted')

SIZE_W = [(1, 0.6), (2, 10), (3, 16), (4, 16), (5, 15), (6, 13), (7, 11), (8, 10), ('long', 3.4)]
n_dup_groups = 133
dup_sizes = [3 if rng.random() < 0.25 else 2 for _ in range(n_dup_groups)]
n_ord = N - len(items) - sum(s - 1 for s in dup_sizes)
ordinary, n_short, n_twins = [], 0, 0
while len(ordinary) < n_ord:
    r = rng.random()
    if r < 0.0015 and short_pool:                 # very short: one sentence, < 40 chars, bare
        b = [short_pool.pop()]; add_body(b)
        ordinary.append(dict(text=b[0], g=None, c=None)); n_short += 1; continue
    if r < 0.0065 and n_twins < 300 and len(ordinary) + 1 < n_ord:  # twins: same long greeting AND closing
        g = rng.choice([x for x in GREET if len(x) >= 40]); c = rng.choice([x for x in CLOSE if len(x) >= 40])
        for _ in range(2):
            b = new_body(rng.choice([1, 2, 2, 3]))
            ordinary.append(dict(text=assemble(g, b, c, '', rng.choice(['', '　'])), g=g, c=c, twin=True))
        n_twins += 1; continue
    k = rng.choices([s for s, _ in SIZE_W], [w for _, w in SIZE_W])[0]
    k = rng.randint(16, 28) if k == 'long' else k
    b = new_body(k)
    g = rng.choice(GREET) if rng.random() < 0.65 else None
    c = rng.choice(CLOSE) if rng.random() < 0.55 else None
    ordinary.append(dict(text=assemble(g, b, c, rng.choice(['', '\n', '\n']), rng.choice(['', '', '　'])), g=g, c=c))
for o in ordinary:
    items.append(dict(text=o['text'], f=fields(), camp=None, edits='', kind='ord', g=o['g'], c=o['c'], twin=o.get('twin')))

# exact resubmissions by the same person: own small campaigns after the planted ones
ord_idx = [i for i, it in enumerate(items) if it['kind'] == 'ord' and not it.get('twin')]
for gi, (src, sz) in enumerate(zip(rng.sample(ord_idx, n_dup_groups), dup_sizes)):
    cid = NCAMP + gi; items[src].update(camp=cid, edits='none', person=('dup', gi))
    for _ in range(sz - 1):
        items.append(dict(items[src], kind='dup'))
assert len(items) == N, len(items)
rng.shuffle(items)

# ---------- names and output ----------
STEMS = ['日本', '全国', '東京', '大阪', '北海道', '九州', '東北', '中部', '関西', '四国']
FIELDW = ['医療情報', '病院', '診療所', '薬局', '医療安全', '臨床工学', '検診', '医療ＩＴ', '看護情報', '歯科']
SUF = [('一般社団法人', '協会', '法人'), ('公益社団法人', '連合会', '法人'), ('特定非営利活動法人', 'ネットワーク', '団体'),
       ('', '協議会', '団体'), ('', '研究会', '団体'), ('株式会社', 'システムズ', '法人')]
orgnames = sorted({(f'{p}{rng.choice(STEMS)}{rng.choice(FIELDW)}{s}', a) for p, s, a in SUF for _ in range(40)})
persons, nind = {}, 0
def z2(n): return str(n).translate(str.maketrans('0123456789', '０１２３４５６７８９'))
with open(f'{OUT}/synth-100000.csv', 'w', encoding='utf-8', newline='') as f, \
        open(f'{OUT}/synth-100000.campaigns.csv', 'w', encoding='utf-8', newline='') as tf:
    f.write(HEADER + '\n'); w = csv.writer(f, lineterminator='\n')
    tf.write('no,campaign,edits\n'); tw = csv.writer(tf, lineterminator='\n')
    for no, it in enumerate(items, 1):
        key = it.get('person')
        if key in persons: name, attr = persons[key]
        elif rng.random() < 0.8:
            nind += 1; name, attr = f'個人{z2(nind)}', '会社員' if rng.random() < 0.15 else '個人'
        else:
            name, attr = rng.choice(orgnames)
        if key: persons[key] = (name, attr)
        w.writerow([no, name, attr] + it['f'] + [it['text']])
        if it['camp'] is not None: tw.writerow([no, it['camp'], it['edits']])

# ---------- summary ----------
camp = [it for it in items if it['kind'] == 'camp']
ords = [it for it in items if it['kind'] != 'camp']
print(f'rows: {len(items)}  campaign copies: {len(camp)}  ordinary: {len(ords)} (incl. {sum(dup_sizes)} in {n_dup_groups} exact-dup groups of 2/3)')
print(f'sentence pool: {len(pool)} ordinary + {n_short} reserved for bare one-liners + {len(used)} reserved for templates; greetings {len(GREET)}, closings {len(CLOSE)}')
print('campaign  size  sents  body_chars  greeting  closing')
for cid, (t, n) in enumerate(zip(templates, SIZES)):
    print(f'{cid:8d} {n:5d} {len(t["body"]):6d} {sum(map(len, t["body"])):11d} {len(t["g"] or ""):9d} {len(t["c"] or ""):8d}')
bl = sorted(sum(map(len, t['body'])) for t in templates)
print(f'template body chars: sorted {bl}; <=250: {sum(b <= 250 for b in bl)}/{len(bl)}')
ec = Counter(e for it in camp for e in it['edits'].split('+'))
print('edit rates: ' + ', '.join(f'{e} {ec[e] / len(camp):.1%}' for e in ['greeting', 'closing', 'drop', 'swap', 'chars', 'width', 'none']))
plain = [it for it in items if it['kind'] == 'ord']
print(f'ordinary: with greeting {sum(1 for o in plain if o["g"])}, with closing {sum(1 for o in plain if o["c"])}, both {sum(1 for o in plain if o["g"] and o["c"])}, of {len(plain)}')
gc = Counter((o['g'], o['c']) for o in plain if o['g'] and o['c'])
print(f'ordinary pairs sharing greeting AND closing (different bodies): {sum(v * (v - 1) // 2 for v in gc.values())}; planted long-G+long-C short-body twin pairs: {n_twins}')
L = [len(o['text']) for o in plain]
bs = Counter(min(len(b), 9) for b in bodies)
print('ordinary body sentences (9 = long 16-28): ' + ', '.join(f'{k}:{bs[k]}' for k in sorted(bs)) + f'; size bumps after rejections: {bumps}')
print(f'ordinary length: very short (<40, 1 sentence) {n_short}, <40 total {sum(l < 40 for l in L)}, >1500 {sum(l > 1500 for l in L)}, median {sorted(L)[len(L) // 2]}')
