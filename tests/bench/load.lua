-- wrk script for tests/bench/load.sh: list pages with two filters, comment pages and
-- Japanese substring searches, in equal shares; any answer other than 200 is counted.
local slug = os.getenv("SLUG")
local comments = tonumber(os.getenv("COMMENTS"))
local categories = tonumber(os.getenv("CATEGORIES"))
local statuses = { "unanswered", "drafting" }
-- 医療機関 ガイドライン サイバー攻撃 外部委託 パスワード バックアップ アクセス権 クラウド
local words = { "%E5%8C%BB%E7%99%82%E6%A9%9F%E9%96%A2", "%E3%82%AC%E3%82%A4%E3%83%89%E3%83%A9%E3%82%A4%E3%83%B3", "%E3%82%B5%E3%82%A4%E3%83%90%E3%83%BC%E6%94%BB%E6%92%83", "%E5%A4%96%E9%83%A8%E5%A7%94%E8%A8%97", "%E3%83%91%E3%82%B9%E3%83%AF%E3%83%BC%E3%83%89", "%E3%83%90%E3%83%83%E3%82%AF%E3%82%A2%E3%83%83%E3%83%97", "%E3%82%A2%E3%82%AF%E3%82%BB%E3%82%B9%E6%A8%A9", "%E3%82%AF%E3%83%A9%E3%82%A6%E3%83%89" }
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  math.randomseed(os.time() + #threads)
end

function request()
  -- PICK=1, 2 or 3 sends only list pages, comment pages or searches.
  local pick = tonumber(os.getenv("PICK") or "") or math.random(3)
  local path
  if pick == 1 then
    path = string.format("/c/%s?category=%d&status=%s", slug, math.random(categories),
      statuses[math.random(#statuses)])
  elseif pick == 2 then
    path = string.format("/c/%s/comments/%d", slug, math.random(comments))
  else
    path = string.format("/c/%s?q=%s", slug, words[math.random(#words)])
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + t:get("bad")
  end
  io.write(string.format("answers other than 200: %d\n", total))
  io.write(string.format("latency p50 %.1f ms, p95 %.1f ms, p99 %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
