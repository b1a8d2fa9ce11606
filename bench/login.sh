# Sourced by the bench scripts: `bench_login BASE JAR` logs the `bench` user of bench/run.sh in
# (the login form's CSRF token, then the form), keeping the session cookie in JAR.
bench_login() {
  local base=$1 jar=$2 token
  token=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n1)
  curl -s -c "$jar" -b "$jar" -o /dev/null \
    -d "username=bench&password=bench-clave-segura-2026&csrf_token=$token" "$base/login"
}
