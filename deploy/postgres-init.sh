#!/bin/sh
# First start of the PostgreSQL container: one database owned by one role per program.
set -eu
for name in gateway registry mentoring genting dashat; do
  password_var="KKB_$(echo "$name" | tr a-z A-Z)_DB_PASSWORD"
  password=$(eval "printf %s \"\${$password_var}\"")
  psql -v ON_ERROR_STOP=1 --username postgres <<SQL
CREATE ROLE $name LOGIN PASSWORD '$password';
CREATE DATABASE $name OWNER $name;
SQL
done
