-- A revision's 修正後 side has its own label: NULL when it is the 原案's (a 修正 in place),
-- '' when the 修正後 side has none (a deletion: the cell shows （削除） alone), otherwise the
-- new number (番号変更・移動・新設).
ALTER TABLE revisions ADD COLUMN revised_clause_label TEXT;
