# Shared by .ci/run and the scripts in .ci/setup/ (sourced, not run).

# apt_install PACKAGE...: install Debian packages that are missing (apt-get update once per run).
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ -z "${CHARTER_APT_UPDATED:-}" ]; then
    apt-get update -qq
    export CHARTER_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# wait_port HOST PORT SECONDS: wait until a TCP port accepts connections, or fail loudly.
wait_port() {
  local host=$1 port=$2 secs=$3 i
  for ((i = 0; i < secs * 10; i++)); do
    (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "error: nothing listens on $host:$port after ${secs}s" >&2
  return 1
}
