# rdp-doctor-fix: logoff-session
# Signs off one session, only if it still belongs to the expected user. Both values arrive only as the
# Run Command parameters SessionId and ExpectedUser, checked again here. Runs as SYSTEM and prints ONE
# compact JSON line: { "ok": bool, "message": "..." }.

param(
  [Parameter(Mandatory = $true)]
  [ValidateRange(1, 65535)]
  [int]$SessionId,
  [Parameter(Mandatory = $true)]
  [ValidatePattern('^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,18}[A-Za-z0-9_-])?$')]
  [string]$ExpectedUser
)

$ErrorActionPreference = 'Stop'

function Write-Result([bool]$ok, [string]$message) {
  Write-Output (ConvertTo-Json -InputObject ([ordered]@{ ok = $ok; message = $message }) -Compress)
}

try {
  # quser exits 1 when nobody is signed in; cmd keeps its stderr away from PowerShell's error handling.
  $lines = @(cmd.exe /c 'quser.exe 2>nul')
  $session = $null
  # USERNAME  SESSIONNAME  ID  STATE  IDLE TIME  LOGON TIME; a disconnected session has no session name.
  foreach ($line in @($lines | Select-Object -Skip 1)) {
    if ($line -match '^.(\S+)\s+(?:\S+\s+)?(\d+)\s+(\S+)' -and [int]$Matches[2] -eq $SessionId) {
      $session = @{ user = $Matches[1]; state = $Matches[3] }
    }
  }
  if ($null -eq $session) {
    Write-Result $false ('Session ' + $SessionId + ' is gone; nothing was signed off.')
    exit 0
  }
  if ($session.user -ne $ExpectedUser) {
    Write-Result $false ('Session ' + $SessionId + ' now belongs to ' + $session.user + ', not ' + $ExpectedUser + '; nothing was signed off.')
    exit 0
  }
  & logoff.exe $SessionId
  if ($LASTEXITCODE -ne 0) {
    Write-Result $false ('logoff ' + $SessionId + ' exited with ' + $LASTEXITCODE + '.')
    exit 0
  }
  Write-Result $true ('Signed off ' + $ExpectedUser + ' from session ' + $SessionId + ' (' + $session.state + ').')
} catch {
  Write-Result $false ('Signing off session ' + $SessionId + ' failed: ' + $_.Exception.Message)
}
