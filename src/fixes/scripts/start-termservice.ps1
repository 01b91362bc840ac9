# rdp-doctor-fix: start-termservice
# Sets Remote Desktop Services (TermService) to start automatically and starts it. Runs through Run Command
# as SYSTEM, takes no parameters, and prints ONE compact JSON line: { "ok": bool, "message": "..." }.

$ErrorActionPreference = 'Stop'

function Write-Result([bool]$ok, [string]$message) {
  Write-Output (ConvertTo-Json -InputObject ([ordered]@{ ok = $ok; message = $message }) -Compress)
}

try {
  Set-Service -Name TermService -StartupType Automatic
  Start-Service -Name TermService
  $service = Get-Service -Name TermService
  if ([string]$service.Status -ne 'Running') {
    Write-Result $false ('TermService is ' + $service.Status + ' after Start-Service; read the System event log for the reason.')
  } else {
    Write-Result $true 'TermService is running and starts automatically.'
  }
} catch {
  Write-Result $false ('Starting TermService failed: ' + $_.Exception.Message)
}
