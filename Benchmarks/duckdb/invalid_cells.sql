-- Cells that are not blank but do not parse as their column's type, counted per file and
-- column: what comply reports as `data.invalid-value` findings. Run after checks.sql (its
-- macros and variables) by `run_checks.py --invalid-cells`; not part of the timed run.

CREATE TABLE invalid_cells AS
WITH fee_raw AS (
  SELECT * FROM read_csv(getvariable('fee_files'), header = true, all_varchar = true, filename = true,
                         delim = ',', quote = '"', escape = '"')
), enr_raw AS (
  SELECT * FROM read_csv(getvariable('enrollment_file'), header = true, all_varchar = true, filename = true)
), tt_raw AS (
  SELECT * FROM read_csv(getvariable('timetable_file'), header = true, all_varchar = true, filename = true)
), plan_raw AS (
  SELECT * FROM read_csv(getvariable('plan_file'), header = true, all_varchar = true, filename = true)
), cells AS (
  SELECT filename AS file, '年级' AS col, clean(年级) AS t, to_grade(clean(年级)) IS NULL AS bad FROM fee_raw
  UNION ALL SELECT filename, '应收金额', clean(应收金额), to_dec(clean(应收金额)) IS NULL FROM fee_raw
  UNION ALL SELECT filename, '实收金额', clean(实收金额), to_dec(clean(实收金额)) IS NULL FROM fee_raw
  UNION ALL SELECT filename, '收费日期', clean(收费日期), to_date(clean(收费日期)) IS NULL FROM fee_raw
  UNION ALL SELECT filename, '出生日期', clean(出生日期), to_date(clean(出生日期)) IS NULL FROM enr_raw
  UNION ALL SELECT filename, '年级', clean(年级), to_grade(clean(年级)) IS NULL FROM enr_raw
  UNION ALL SELECT filename, '入学年份', clean(入学年份), to_int(clean(入学年份)) IS NULL FROM enr_raw
  UNION ALL SELECT filename, '年级', clean(年级), to_grade(clean(年级)) IS NULL FROM tt_raw
  UNION ALL SELECT filename, '星期', clean(星期), to_weekday(clean(星期)) IS NULL FROM tt_raw
  UNION ALL SELECT filename, '节次', clean(节次), to_int(clean(节次)) IS NULL FROM tt_raw
  UNION ALL SELECT filename, '年级', clean(年级), to_grade(clean(年级)) IS NULL FROM plan_raw
  UNION ALL SELECT filename, '计划人数', clean(计划人数), to_int(clean(计划人数)) IS NULL FROM plan_raw
)
SELECT file, col AS "column", count(*) AS invalid
FROM cells WHERE t IS NOT NULL AND bad GROUP BY file, col;
