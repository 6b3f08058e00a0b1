-- Run by the sqlite3 shell in a Kiln image and by the host's sqlite3 on the
-- same database (tests/tools/sqlite_test.sh): the outputs must be equal.
.headers on
.mode list
CREATE TABLE IF NOT EXISTS dept(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS emp(id INTEGER PRIMARY KEY, dept INTEGER REFERENCES dept(id),
                               name TEXT, salary REAL, hired TEXT);
BEGIN;
INSERT OR IGNORE INTO dept(id, name) VALUES (1, 'kernel'), (2, 'storage'), (3, 'net');
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300)
INSERT OR IGNORE INTO emp SELECT x, 1 + x % 3, printf('e%03d', x), 1000.0 + (x * 37) % 911 + x / 8.0,
                                 date('2020-01-01', printf('+%d days', x * 5)) FROM c;
COMMIT;
SELECT d.name, count(*) AS n, round(avg(e.salary), 3) AS avg, min(e.hired), max(e.hired)
  FROM emp e JOIN dept d ON d.id = e.dept GROUP BY d.name ORDER BY d.name;
SELECT name, salary, rank() OVER (PARTITION BY dept ORDER BY salary DESC) AS r
  FROM emp WHERE id % 50 = 0 ORDER BY id;
SELECT group_concat(name, ',') FROM (SELECT name FROM emp WHERE salary > 1850 ORDER BY name);
SELECT printf('%.6f %e %10.2f|%-6s|%x', 3.14159265358979, 12345.678, -2.5, 'ab', 255);
SELECT strftime('%Y-%m-%d %H:%M:%S', '2024-02-29 13:45:10', '+1 year'), julianday('2000-01-01');
SELECT upper('kiln'), length('héllo'), substr('unikernel', 4, 6), instr('abcabc', 'ca'),
       replace('a-b-c', '-', '+'), hex(zeroblob(3)), typeof(1.0), 7 / 2, 7 % 3, 7.0 / 2;
SELECT json_object('a', 1, 'b', json_array(1, 2, 'x')), json_extract('{"k":[5,6]}', '$.k[1]');
SAVEPOINT s1; DELETE FROM emp WHERE dept = 2; SELECT count(*) FROM emp; ROLLBACK TO s1; RELEASE s1;
SELECT count(*), sum(salary) FROM emp;
CREATE INDEX IF NOT EXISTS emp_salary ON emp(salary);
EXPLAIN QUERY PLAN SELECT * FROM emp WHERE salary > 1900;
SELECT id, name FROM emp WHERE salary BETWEEN 1500 AND 1501 ORDER BY id;
PRAGMA integrity_check;
