-- Date/time input beyond lakeward's ISO 8601 reader: years past 9999 (to lakeward's end in
-- 294246, then 0A000 where PostgreSQL still has them, 22008 past its range too) and the
-- other input forms PostgreSQL reads, refused with 0A000 instead of 22007.
SELECT date '10000-01-01', timestamp '12345-06-07 08:09:10', timestamptz '99999-12-31 23:59:59+00'
SELECT date '294246-12-31', timestamp '294246-12-31 23:59:59.999999'
SELECT date '294247-01-01'
SELECT date '5874897-12-31'
SELECT timestamp '294276-12-31 23:59:59'
SELECT date '20240101'
SELECT '10000-01-01'::date + 1, '10000-01-01'::date - date '9999-12-31'
SELECT date '2024/01/02'
SELECT date 'Jan 2 2024'
SELECT timestamp '2024-01-02 10:00 PM'
SELECT date 'today' = current_date
SELECT timestamp 'epoch'
SELECT time 'allballs'
SELECT time '1000'
