-- Math functions.
SELECT abs(-5), abs(-5.5), abs(-5::int8), abs(-1.5::float8)
SELECT ceil(1.2), ceil(-1.2), floor(1.8), floor(-1.8), ceiling(2.1)
SELECT ceil(1.2::float8), floor(-1.8::float8)
SELECT round(2.5), round(-2.5), round(3.14159, 2), round(1234.5, -2)
SELECT round(2.5::float8), round(3.5::float8), round(-0.5::float8)
SELECT trunc(3.789), trunc(3.789, 1), trunc(-3.7)
SELECT trunc(3.789::float8)
SELECT sign(-3), sign(0), sign(2.5), sign(-2.5::float8)
SELECT mod(7, 3), mod(-7, 3), mod(7.5, 2)
SELECT div(7, 2), div(-7, 2)
SELECT power(2, 10), power(2.0, 3), power(2, 0.5)
SELECT sqrt(16), sqrt(2), sqrt(2::numeric), cbrt(27)
SELECT exp(1), ln(10), log(100), log(2, 8), log10(1000)
SELECT exp(1::numeric), ln(10::numeric)
SELECT pi(), radians(180), degrees(pi())
SELECT sin(0), cos(0), tan(0), asin(1), acos(1), atan(1), atan2(1, 1)
SELECT gcd(12, 18), lcm(4, 6)
SELECT factorial(5), factorial(20)
SELECT width_bucket(5.35, 0.024, 10.06, 5), width_bucket(5, 0, 10, 2)
SELECT 10::numeric / 3, 10::numeric % 3
SELECT 1::numeric / 7
SELECT 2::numeric ^ 100
SELECT 1.00 + 2.000, 1.10 * 2.5
SELECT 0.1 + 0.2 = 0.3, 0.1::float8 + 0.2::float8 = 0.3::float8
SELECT 1e300::float8 * 10
SELECT 123456789012345678::float8, 1.0e-10::float8, 123456.789::float4
SELECT 1/3::float8, 2/3::float4
SELECT 100::float8, 1e15::float8, 1e16::float8, 1e17::float8
SELECT -0.0::float8, 0.0::float8 = -0.0::float8
SELECT scale(1.2300), min_scale(1.2300), trim_scale(1.2300)
SELECT num_nonnulls(1, NULL, 2), num_nulls(1, NULL, NULL)
SELECT x, x * 0.5, round(x * 0.5), floor(x / 2.0) FROM generate_series(1, 5) x ORDER BY x
SELECT sum(x), sum(x::numeric) / count(*), avg(x) FROM generate_series(1, 10) x
SELECT floor(x / 3.0)::int AS b, count(*) FROM generate_series(0, 9) x GROUP BY 1 ORDER BY 1
SELECT 'NaN'::float8 = 'NaN'::float8, 'NaN'::float8 > 1
SELECT greatest('NaN'::float8, 1), least('Infinity'::float8, 1)
SELECT abs(-2147483647), @ -9223372036854775807
