-- String functions.
SELECT length('hello'), char_length('héllo'), octet_length('héllo'), bit_length('a')
SELECT upper('abc'), lower('ABC'), initcap('hello wORLD')
SELECT substr('hello', 2), substr('hello', 2, 3), substring('hello' from 2 for 3)
SELECT substring('hello', 0, 3), substr('hello', -1, 3)
SELECT left('hello', 2), right('hello', 2), left('hello', -2), right('hello', -2)
SELECT position('l' in 'hello'), strpos('hello', 'lo'), strpos('hello', 'z')
SELECT trim('  x  '), ltrim('  x  '), rtrim('  x  ')
SELECT trim(both 'x' from 'xxaxx'), trim(leading 'x' from 'xxaxx'), trim(trailing 'x' from 'xxaxx')
SELECT btrim('xyaxy', 'xy'), ltrim('xxa', 'x'), rtrim('axx', 'x')
SELECT lpad('7', 3, '0'), rpad('ab', 5, '-'), lpad('hello', 3), rpad('hi', 4)
SELECT replace('a-b-c', '-', '+'), replace('aaa', 'a', ''), translate('12345', '143', 'ax')
SELECT repeat('ab', 3), repeat('x', 0), reverse('abc')
SELECT split_part('a,b,c', ',', 2), split_part('a,b,c', ',', 5), split_part('a,b,c', ',', -1)
SELECT concat('a', 1, true), concat_ws('-', 'x', 2, NULL, 'z')
SELECT 'a' || 'b' || 'c', 'x' || 1 || 2.5
SELECT quote_ident('abc'), quote_ident('Abc'), quote_ident('a b'), quote_ident('select')
SELECT quote_literal('it''s'), quote_literal(42), quote_nullable(NULL), quote_nullable('x')
SELECT format('%s and %s', 'a', 'b'), format('%I.%I', 'public', 'My Table'), format('%L', 'o''k')
SELECT format('%5s|%-5s|', 'ab', 'cd'), format('%2$s %1$s', 'a', 'b')
SELECT starts_with('hello', 'he'), starts_with('hello', 'lo')
SELECT ascii('A'), chr(66), chr(8364)
SELECT md5('abc'), md5('')
SELECT to_hex(255), to_hex(-1), to_hex(4294967296)
SELECT string_to_array('a,b,c', ','), string_to_array('a,,c', ',', '')
SELECT array_to_string(ARRAY['a', 'b', NULL], ','), array_to_string(ARRAY['a', NULL], ',', '*')
SELECT encode('abc'::bytea, 'hex'), encode('abc'::bytea, 'base64'), decode('616263', 'hex')
SELECT convert_to('abc', 'UTF8'), convert_from('\x616263', 'UTF8')
SELECT overlay('Txxxxas' placing 'hom' from 2 for 4)
SELECT 'abc' < 'abd', 'B' < 'a', 'a' < 'B'
SELECT max(s), min(s) FROM (VALUES ('b'), ('A'), ('a'), ('B')) v(s)
SELECT s FROM (VALUES ('b'), ('A'), ('a'), ('B'), ('_'), ('1')) v(s) ORDER BY s
SELECT s, length(s) FROM (VALUES ('x'), ('yy'), ('')) v(s) ORDER BY length(s)
SELECT upper(s) || '!' FROM (VALUES ('a'), ('b')) v(s) ORDER BY 1
SELECT string_agg(s, ',' ORDER BY s) FROM (VALUES ('c'), ('a'), ('b')) v(s)
SELECT left(s, 1), count(*) FROM (VALUES ('apple'), ('avocado'), ('banana')) v(s) GROUP BY 1 ORDER BY 1
SELECT 'tab' || E'\t' || 'x', E'line\nbreak', E'\\'
SELECT 'a''b', $$dollar 'quoted'$$, U&'\0041'
SELECT 'ab' = 'ab ', 'ab'::char(3) = 'ab '::char(3)
SELECT to_char(1234.5, 'FM9999.00'), to_char(7, '000')
SELECT to_number('1,234.5', '9G999D9')
SELECT 'x' || repeat('-', 3) || 'x'
SELECT char_length(repeat('ab', 50))
SELECT parse_ident('public.metrics'), parse_ident('"My"."T"')
SELECT (parse_ident('a.b'))[2], array_length(parse_ident('metrics'), 1)
SELECT substring('hello' for 2), substring('hello' from 3)
SELECT trim(s) FROM (VALUES (' a '), ('b  ')) v(s) ORDER BY 1
SELECT lower('ÀÉÎ'), upper('àéî')
SELECT length(''), length(' ')
SELECT 'a' || NULL::text IS NULL
-- || resolution: text is a preferred type for name and varchar (string category), not for "char" (internal): ambiguous as in PostgreSQL
SELECT 'a'::"char" || 'b'::text
SELECT 'a'::"char" || 'b'
SELECT 'a'::name || 'b', 'a'::name || 'b'::name, 'a'::varchar || 1, 1 || 'a'::varchar
SELECT 'a'::"char"::text || 'b', 'a'::"char" = 'a'
