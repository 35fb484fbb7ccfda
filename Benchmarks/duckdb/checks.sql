-- The checks of Benchmarks/rules/ in DuckDB SQL: what a county analyst would write instead of
-- a comply rule pack. Run by Benchmarks/duckdb/run_checks.py, which first sets
--   fee_files         the fee ledgers, in the order comply reads them (sorted relative paths)
--   enrollment_file   学籍.csv      timetable_file  课表.csv      plan_file  招生计划.csv
--   pack_dir          Benchmarks/rules (its reference/ tables)
--   today             the date comply gets as --today
-- and afterwards writes the table `violations` (rule, file, line, grp) out as CSV.
--
-- comply's semantics, reproduced here:
--   * every cell is trimmed of spaces, tabs, CR/LF, NBSP, U+3000 and BOM; an empty cell is NULL
--     (clean());
--   * a cell that does not parse as its column's type is NULL (to_dec, to_date, to_grade,
--     to_weekday, to_int accept exactly the forms comply accepts, nothing more);
--   * a `require: C` rule reports rows where C is FALSE, a `forbid: C` rule rows where C is
--     TRUE; a NULL condition is no violation. SQL's WHERE NOT (C) / WHERE C do exactly this,
--     and AND/OR/NOT are three-valued in both;
--   * `when: W` keeps rows where W is TRUE (WHERE W AND ...);
--   * an aggregate violation's line is the line of the group's first row (min(rowid));
--   * a line number is the row's number within its file + 1 (the header is line 1; the
--     generated data has no quoted line breaks): rowid - (first rowid of the file) + 2.
-- Amounts are DECIMAL(18,2): the generated data has at most two decimals.

-- Trimming is the costliest step of the load, so only cells that start or end with one of
-- those characters are trimmed (a regex test is cheaper than trim() with a character set).
SET VARIABLE blank = ' ' || chr(9) || chr(10) || chr(13) || chr(160) || chr(12288) || chr(65279);
CREATE MACRO clean(x) AS
  CASE WHEN regexp_matches(x, '^[ \t\r\n\x{a0}\x{3000}\x{feff}]|[ \t\r\n\x{a0}\x{3000}\x{feff}]$')
       THEN nullif(trim(x, getvariable('blank')), '')
       ELSE nullif(x, '') END;

-- 12, -3, +4 (digits only)
CREATE MACRO to_int(t) AS
  CASE WHEN regexp_full_match(t, '[+-]?[0-9]+') THEN TRY_CAST(t AS BIGINT) END;

-- 200, 150.50, -0.5, .5, 1,234.56 (commas only between groups of three, before the point)
CREATE MACRO to_dec(t) AS
  CASE WHEN regexp_full_match(t, '[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]*)(\.[0-9]*)?')
        AND regexp_matches(t, '[0-9]')
       THEN TRY_CAST(replace(t, ',', '') AS DECIMAL(18, 2)) END;

-- 2020-09-01, 2020-9-1, 2020/9/1, 2020.9.1, 2020年9月1日, 20200901; an impossible day is NULL
CREATE MACRO ymd(l) AS TRY_CAST(l[1] || '-' || lpad(l[2], 2, '0') || '-' || lpad(l[3], 2, '0') AS DATE);
CREATE MACRO to_date(t) AS
  CASE
    WHEN regexp_full_match(t, '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN TRY_CAST(t AS DATE)
    WHEN regexp_full_match(t, '[0-9]{8}')
      THEN TRY_CAST(substr(t, 1, 4) || '-' || substr(t, 5, 2) || '-' || substr(t, 7, 2) AS DATE)
    WHEN regexp_full_match(t, '[0-9]{4}(-[0-9]{1,2}-[0-9]{1,2}|/[0-9]{1,2}/[0-9]{1,2}|\.[0-9]{1,2}\.[0-9]{1,2}|年[0-9]{1,2}月[0-9]{1,2}日)')
      THEN ymd(regexp_extract_all(t, '[0-9]+'))
  END;

-- 1-12, 7年级, 一年级…十二年级, 初一…初三 (7-9), 高一…高三 (10-12)
CREATE MACRO grade_number(n) AS CASE WHEN n BETWEEN 1 AND 12 THEN n END;
CREATE MACRO to_grade(t) AS
  CASE
    WHEN regexp_full_match(t, '[+-]?[0-9]+') THEN grade_number(TRY_CAST(t AS BIGINT))
    WHEN regexp_full_match(t, '[+-]?[0-9]+年级') THEN grade_number(TRY_CAST(replace(t, '年级', '') AS BIGINT))
    ELSE coalesce(
      list_position(['一年级', '二年级', '三年级', '四年级', '五年级', '六年级', '七年级', '八年级',
                     '九年级', '十年级', '十一年级', '十二年级'], t),
      list_position(['初一', '初二', '初三', '高一', '高二', '高三'], t) + 6)
  END;

-- 1-7 (1 = Monday), 一…日 (天), 周一…周日 (周天), 星期一…星期日 (星期天), Mon…Sun, Monday…Sunday
CREATE MACRO weekday_of(l) AS
  CASE
    WHEN l IN ('1', 'mon', 'monday', '一', '周一', '星期一') THEN 1
    WHEN l IN ('2', 'tue', 'tuesday', '二', '周二', '星期二') THEN 2
    WHEN l IN ('3', 'wed', 'wednesday', '三', '周三', '星期三') THEN 3
    WHEN l IN ('4', 'thu', 'thursday', '四', '周四', '星期四') THEN 4
    WHEN l IN ('5', 'fri', 'friday', '五', '周五', '星期五') THEN 5
    WHEN l IN ('6', 'sat', 'saturday', '六', '周六', '星期六') THEN 6
    WHEN l IN ('7', 'sun', 'sunday', '日', '周日', '星期日', '天', '周天', '星期天') THEN 7
  END;
CREATE MACRO to_weekday(t) AS weekday_of(lower(t));

-- ───────────────────────────── reference tables (the pack's) ─────────────────────────────

CREATE TABLE fee_standards AS
SELECT clean(项目) AS 项目, clean(收费性质) AS 收费性质, to_dec(clean(标准金额)) AS 标准金额
FROM read_csv(getvariable('pack_dir') || '/reference/fee_standards.csv', header = true, all_varchar = true);

CREATE TABLE terms AS
SELECT clean(学年学期) AS 学年学期, to_date(clean(开始日期)) AS 开始日期, to_date(clean(结束日期)) AS 结束日期
FROM read_csv(getvariable('pack_dir') || '/reference/terms.csv', header = true, all_varchar = true);

CREATE TABLE curriculum AS
SELECT to_grade(clean(年级)) AS 年级, clean(科目) AS 科目, to_int(clean(最少周课时)) AS 最少周课时
FROM read_csv(getvariable('pack_dir') || '/reference/curriculum.csv', header = true, all_varchar = true);

-- ───────────────────────────── the exports ─────────────────────────────

-- Every fee ledger at once. DuckDB keeps insertion order (preserve_insertion_order is on by
-- default), so a row's rowid is its position in reading order: files in the order given, rows
-- in file order. That gives line numbers without a row_number() window, which would make the
-- load single-threaded.
-- The file name is kept as an ENUM (two bytes a row instead of the path: 40% less memory).
CREATE TYPE fee_file_name AS ENUM (SELECT unnest(getvariable('fee_files')));
CREATE TABLE fee AS
SELECT filename::fee_file_name AS file,
       clean(学校) AS 学校, clean(学年学期) AS 学年学期, to_grade(clean(年级)) AS 年级,
       clean(班级) AS 班级, clean(学籍号) AS 学籍号, clean(姓名) AS 姓名,
       clean(收费项目) AS 收费项目, clean(收费性质) AS 收费性质,
       to_dec(clean(应收金额)) AS 应收金额, to_dec(clean(实收金额)) AS 实收金额,
       to_date(clean(收费日期)) AS 收费日期, clean(经办人) AS 经办人, clean(备注) AS 备注
FROM read_csv(getvariable('fee_files'), header = true, all_varchar = true, filename = true,
              delim = ',', quote = '"', escape = '"');

-- line = rowid - base: a file's first data row is line 2.
CREATE TABLE fee_file AS SELECT file, min(rowid) - 2 AS base FROM fee GROUP BY file;

-- The roll and the timetable are one file each, which DuckDB splits across threads; the rowids
-- of such a load did not follow the file's order (the 10M-row timetable came out shifted by
-- ~1,200 rows in one run), so these files are read on one thread (run_checks.py substitutes
-- the thread count below). The fee ledgers are many files of a few MB, each read whole.
SET threads = 1;
CREATE TABLE enrollment AS
SELECT clean(学校) AS 学校, clean(学籍号) AS 学籍号,
       to_grade(clean(年级)) AS 年级
FROM read_csv(getvariable('enrollment_file'), header = true, all_varchar = true,
              delim = ',', quote = '"', escape = '"');

CREATE TABLE enrollment_plan AS
SELECT clean(学校) AS 学校, to_grade(clean(年级)) AS 年级, to_int(clean(计划人数)) AS 计划人数
FROM read_csv(getvariable('plan_file'), header = true, all_varchar = true);

CREATE TABLE timetable AS
SELECT clean(学校) AS 学校, to_grade(clean(年级)) AS 年级,
       clean(班级) AS 班级, to_weekday(clean(星期)) AS 星期, to_int(clean(节次)) AS 节次,
       clean(科目) AS 科目
FROM read_csv(getvariable('timetable_file'), header = true, all_varchar = true,
              delim = ',', quote = '"', escape = '"');

SET threads = {threads};

-- ───────────────────────────── fee checks: twelve row checks ─────────────────────────────

CREATE TABLE fee_row_violations AS
-- FEE-BANNED-ITEM   when: 实收金额 > 0   forbid: 收费项目 in $禁收项目
SELECT 'FEE-BANNED-ITEM' AS rule, file, rowid AS rn FROM fee
WHERE 实收金额 > 0 AND 收费项目 IN ('补课费', '辅导费', '培优费', '借读费', '择校费', '赞助费')
UNION ALL
-- FEE-UNAPPROVED-ITEM   when: 收费项目 not in $禁收项目   require: exists(std)
SELECT 'FEE-UNAPPROVED-ITEM', f.file, f.rowid FROM fee f LEFT JOIN fee_standards s ON f.收费项目 = s.项目
WHERE f.收费项目 NOT IN ('补课费', '辅导费', '培优费', '借读费', '择校费', '赞助费')
  AND NOT (s.项目 IS NOT NULL)
UNION ALL
-- FEE-OVER-STANDARD   forbid: 实收金额 > std.标准金额
SELECT 'FEE-OVER-STANDARD', f.file, f.rowid FROM fee f LEFT JOIN fee_standards s ON f.收费项目 = s.项目
WHERE f.实收金额 > s.标准金额
UNION ALL
-- FEE-NATURE-MISMATCH   forbid: exists(std) and 收费性质 != std.收费性质
SELECT 'FEE-NATURE-MISMATCH', f.file, f.rowid FROM fee f LEFT JOIN fee_standards s ON f.收费项目 = s.项目
WHERE s.项目 IS NOT NULL AND f.收费性质 <> s.收费性质
UNION ALL
-- FEE-OVERPAID   forbid: 实收金额 > 应收金额
SELECT 'FEE-OVERPAID', file, rowid AS rn FROM fee WHERE 实收金额 > 应收金额
UNION ALL
-- FEE-COMPULSORY-TUITION   forbid: 年级 <= 9 and 收费项目 in $义务教育禁收
SELECT 'FEE-COMPULSORY-TUITION', file, rowid AS rn FROM fee WHERE 年级 <= 9 AND 收费项目 IN ('学费')
UNION ALL
-- FEE-OUT-OF-TERM   require: exists(term) and 收费日期 >= term.开始日期 - 14 and 收费日期 <= term.结束日期
SELECT 'FEE-OUT-OF-TERM', f.file, f.rowid FROM fee f LEFT JOIN terms t ON f.学年学期 = t.学年学期
WHERE NOT (t.学年学期 IS NOT NULL AND f.收费日期 >= t.开始日期 - 14 AND f.收费日期 <= t.结束日期)
UNION ALL
-- FEE-FUTURE-DATE   forbid: 收费日期 > $today
SELECT 'FEE-FUTURE-DATE', file, rowid AS rn FROM fee WHERE 收费日期 > CAST(getvariable('today') AS DATE)
UNION ALL
-- FEE-REMARK-TUTORING   forbid: matches(备注, '补课|辅导|培优|提高班|家教')
SELECT 'FEE-REMARK-TUTORING', file, rowid AS rn FROM fee WHERE regexp_matches(备注, '补课|辅导|培优|提高班|家教')
UNION ALL
-- FEE-REQUIRED-FIELDS   require: every one of them is not null
SELECT 'FEE-REQUIRED-FIELDS', file, rowid AS rn FROM fee
WHERE NOT (学校 IS NOT NULL AND 学籍号 IS NOT NULL AND 姓名 IS NOT NULL AND 收费项目 IS NOT NULL
           AND 实收金额 IS NOT NULL AND 收费日期 IS NOT NULL AND 经办人 IS NOT NULL)
UNION ALL
-- FEE-STUDENT-NO-FORMAT   require: matches(学籍号, '^G[0-9]{17}[0-9X]$')
SELECT 'FEE-STUDENT-NO-FORMAT', file, rowid AS rn FROM fee WHERE NOT regexp_matches(学籍号, '^G[0-9]{17}[0-9X]$')
UNION ALL
-- FEE-UNKNOWN-STUDENT   require: 学籍号 in enrollment.学籍号
SELECT 'FEE-UNKNOWN-STUDENT', f.file, f.rowid FROM fee f
WHERE f.学籍号 IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM enrollment e WHERE e.学籍号 = f.学籍号);

-- ───────────────────────────── fee checks: three aggregates ─────────────────────────────

CREATE TABLE fee_group_violations AS
-- FEE-STUDENT-TERM-CAP   when: 学籍号 is not null   group_by: [学籍号, 学年学期]   require: sum(实收金额) <= 3000
SELECT 'FEE-STUDENT-TERM-CAP' AS rule, arg_min(file, rowid) AS file, min(rowid) AS rn FROM fee
WHERE 学籍号 IS NOT NULL
GROUP BY 学籍号, 学年学期 HAVING NOT (sum(实收金额) <= 3000)
UNION ALL
-- FEE-CLASS-SIZE   group_by: [学校, 年级, 班级]   require: count_distinct(学籍号) <= 56
SELECT 'FEE-CLASS-SIZE', arg_min(file, rowid), min(rowid) FROM fee
GROUP BY 学校, 年级, 班级 HAVING NOT (count(DISTINCT 学籍号) <= 56)
UNION ALL
-- FEE-DUPLICATE-CHARGE   when: 学籍号 is not null   group_by: [学籍号, 收费日期, 收费项目]   require: count() <= 1
SELECT 'FEE-DUPLICATE-CHARGE', arg_min(file, rowid), min(rowid) FROM fee
WHERE 学籍号 IS NOT NULL
GROUP BY 学籍号, 收费日期, 收费项目 HAVING NOT (count(*) <= 1);

-- ───────────────────────────── enrollment and timetable ─────────────────────────────

CREATE TABLE other_violations AS
-- ENROLL-OVER-PLAN   group_by: [学校, 年级]   join plan on [学校, 年级]   require: count() <= plan.计划人数
SELECT 'ENROLL-OVER-PLAN' AS rule, 'enrollment' AS dataset, g.rn, NULL AS grp
FROM (SELECT 学校, 年级, count(*) AS n, min(rowid) AS rn FROM enrollment GROUP BY 学校, 年级) g
LEFT JOIN enrollment_plan p ON p.学校 = g.学校 AND p.年级 = g.年级
WHERE NOT (g.n <= p.计划人数)
UNION ALL
-- ENROLL-DUPLICATE   when: 学籍号 is not null   group_by: [学籍号]   require: count() <= 1
SELECT 'ENROLL-DUPLICATE', 'enrollment', min(rowid), NULL FROM enrollment
WHERE 学籍号 IS NOT NULL GROUP BY 学籍号 HAVING NOT (count(*) <= 1)
UNION ALL
-- TT-WEEKEND   forbid: 星期 >= 6
SELECT 'TT-WEEKEND', 'timetable', rowid, NULL FROM timetable WHERE 星期 >= 6
UNION ALL
-- TT-MANDATED-HOURS   group_by: [学校, 年级, 班级, 科目]   expect: curriculum per [学校, 年级, 班级]
--                     join std: curriculum on [年级, 科目]   require: not exists(std) or 周课时 >= std.最少周课时
SELECT 'TT-MANDATED-HOURS', 'timetable', a.rn,
       CASE WHEN a.rn IS NULL THEN concat_ws('|', a.学校, a.年级, a.班级, a.科目) END
FROM (
  WITH groups AS (
    SELECT 学校, 年级, 班级, 科目, count(*) AS n, min(rowid) AS rn FROM timetable GROUP BY 学校, 年级, 班级, 科目
  ), expected AS (
    SELECT p.学校, p.年级, p.班级, c.科目
    FROM (SELECT DISTINCT 学校, 年级, 班级 FROM groups) p JOIN curriculum c ON c.年级 = p.年级
  )
  SELECT 学校, 年级, 班级, 科目, n, rn FROM groups
  UNION ALL
  SELECT e.学校, e.年级, e.班级, e.科目, 0, NULL FROM expected e
  WHERE NOT EXISTS (SELECT 1 FROM groups g
                    WHERE g.学校 IS NOT DISTINCT FROM e.学校 AND g.年级 IS NOT DISTINCT FROM e.年级
                      AND g.班级 IS NOT DISTINCT FROM e.班级 AND g.科目 IS NOT DISTINCT FROM e.科目)
) a
LEFT JOIN curriculum c ON c.年级 = a.年级 AND c.科目 = a.科目
WHERE NOT (c.年级 IS NULL OR a.n >= c.最少周课时);

-- ───────────────────────────── the violations, as comply reports them ─────────────────────────────

CREATE TABLE violations AS
SELECT v.rule, f.file::VARCHAR AS file, v.rn - f.base AS line, NULL::VARCHAR AS grp
FROM (SELECT * FROM fee_row_violations UNION ALL SELECT * FROM fee_group_violations) v
JOIN fee_file f ON f.file = v.file
UNION ALL
SELECT rule,
       CASE WHEN rn IS NULL THEN NULL WHEN dataset = 'enrollment' THEN getvariable('enrollment_file')
            ELSE getvariable('timetable_file') END,
       rn + 2, grp
FROM other_violations;
