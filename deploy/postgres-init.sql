-- Run once by the postgres image, on an empty data directory (mounted into
-- /docker-entrypoint-initdb.d by docker-compose.yml). One database per service, so that no
-- service can read another's tables; the user qubi is POSTGRES_USER.
CREATE DATABASE directory OWNER qubi;
CREATE DATABASE events OWNER qubi;
CREATE DATABASE referrals OWNER qubi;
CREATE DATABASE notifications OWNER qubi;
CREATE DATABASE funds OWNER qubi;
CREATE DATABASE governance OWNER qubi;
