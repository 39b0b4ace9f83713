-- The read-only login role behind `hwsweep sql`, `hwsweep results` and the dashboard (docs/sql.md).
-- One role per database, named `<database>_reader` (`hwsweep_reader` for the default database `hwsweep`): roles are
-- cluster-wide, so two hwsweep databases on one server never share (or overwrite) a reader's password.
-- SELECT grants are not made here: src/store/migrate.ts grants SELECT on every table and view of the schema, except
-- a deny list (artifacts, _prisma_migrations, `_`-prefixed tables, views over them), after each run of the
-- migrations, so tables and views added by later migrations are covered too.

-- The reader's login, readable by the migrating (admin) role only: `hwsweep` reads it with DATABASE_URL's
-- credentials and then logs in as the reader, so every machine that has DATABASE_URL can use the reader.
CREATE TABLE "_hwsweep_reader" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "role" TEXT NOT NULL,
    "password" TEXT NOT NULL,

    CONSTRAINT "_hwsweep_reader_pkey" PRIMARY KEY ("id")
);
REVOKE ALL ON "_hwsweep_reader" FROM PUBLIC;

DO $reader$
DECLARE
  -- Role names are at most 63 bytes: long database names keep a prefix and a hash so names stay distinct.
  reader text := CASE WHEN octet_length(current_database()) <= 56 THEN current_database()
                      ELSE left(current_database(), 40) || '_' || left(md5(current_database()), 8) END || '_reader';
  -- 244 random bits from the server's strong random source (gen_random_uuid is built in since PostgreSQL 13).
  secret text := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
  r pg_roles%ROWTYPE;
BEGIN
  BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = reader) THEN
      -- Left over from an earlier database of the same name: take it over with a new password.
      EXECUTE format('ALTER ROLE %I LOGIN NOINHERIT CONNECTION LIMIT 32 PASSWORD %L', reader, secret);
    ELSE
      EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS '
                     'CONNECTION LIMIT 32 PASSWORD %L', reader, secret);
    END IF;
  EXCEPTION WHEN insufficient_privilege THEN
    -- Managed servers may not give the migrating user CREATEROLE: the migrations still apply, and `hwsweep sql`
    -- refuses to run (it never falls back to the admin login) until an administrator creates the role (docs/sql.md).
    RAISE WARNING 'hwsweep: could not create the read-only role %: %', reader, SQLERRM;
    RETURN;
  END;
  SELECT * INTO r FROM pg_roles WHERE rolname = reader;
  IF r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls
     OR EXISTS (SELECT FROM pg_auth_members WHERE member = r.oid) THEN
    RAISE EXCEPTION 'hwsweep: role % exists with privileges a read-only role must not have (superuser, createrole, '
                    'createdb, replication, bypassrls or role memberships): drop or fix it, then migrate again', reader;
  END IF;
  -- Defaults of the reader's sessions. `hwsweep` also sets the statement timeout itself before every fetch, so a
  -- query that changes these settings for itself cannot outlive its time budget (src/store/read-only.ts).
  EXECUTE format('ALTER ROLE %I SET default_transaction_read_only = on', reader);
  EXECUTE format('ALTER ROLE %I SET statement_timeout = %L', reader, '30s');
  EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', reader, '5min');
  BEGIN
    -- Only a superuser may set this one (and then the reader cannot change it): bounds temp files of huge sorts.
    EXECUTE format('ALTER ROLE %I SET temp_file_limit = %L', reader, '2GB');
  EXCEPTION WHEN insufficient_privilege THEN
    NULL;
  END;
  BEGIN
    -- PUBLIC may connect by default; grant it explicitly where an administrator revoked that.
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), reader);
  EXCEPTION WHEN insufficient_privilege THEN
    NULL;
  END;
  INSERT INTO "_hwsweep_reader" (id, role, password) VALUES (1, reader, secret);
END
$reader$;
