# rdp-doctor-fix: stop-process
# Stops one process by id, only if that id still runs the expected program: a pid can be reused by
# another process between the diagnosis and the approval. Both values arrive only as the Run Command
# parameters ProcessId and ExpectedName, checked again here. Runs as SYSTEM and prints ONE compact JSON
# line: { "ok": bool, "message": "..." }.

param(
  [Parameter(Mandatory = $true)]
  [ValidateRange(1, 2147483647)]
  [int]$ProcessId,
  [Parameter(Mandatory = $true)]
  [ValidatePattern('^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$')]
  [string]$ExpectedName
)

$ErrorActionPreference = 'Stop'

function Write-Result([bool]$ok, [string]$message) {
  Write-Output (ConvertTo-Json -InputObject ([ordered]@{ ok = $ok; message = $message }) -Compress)
}

try {
  $process = Get-Process -Id $ProcessId -ErrorAction SilentlyContinue
  if ($null -eq $process) {
    Write-Result $false ('No process with pid ' + $ProcessId + ' runs any more; nothing was stopped.')
    exit 0
  }
  if ($process.ProcessName -ne $ExpectedName) {
    Write-Result $false ('pid ' + $ProcessId + ' now runs ' + $process.ProcessName + ', not ' + $ExpectedName + '; nothing was stopped.')
    exit 0
  }
  $megabytes = [int]($process.WorkingSet64 / 1MB)
  Stop-Process -Id $ProcessId -Force
  if (-not $process.WaitForExit(15000)) {
    Write-Result $false ($ExpectedName + ' (pid ' + $ProcessId + ') was told to stop but still runs after 15 s.')
    exit 0
  }
  Write-Result $true ('Stopped ' + $ExpectedName + ' (pid ' + $ProcessId + '), which held ' + $megabytes + ' MB.')
} catch {
  Write-Result $false ('Stopping pid ' + $ProcessId + ' failed: ' + $_.Exception.Message)
}
