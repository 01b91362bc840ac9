# rdp-doctor-fix: reset-rdp-port
# Sets the RDP-Tcp listener back to port 3389 and restarts TermService so the listener binds to it.
# Runs through Run Command as SYSTEM, takes no parameters, and prints ONE compact JSON line:
# { "ok": bool, "message": "..." }.

$ErrorActionPreference = 'Stop'
$tcpKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp'

function Write-Result([bool]$ok, [string]$message) {
  Write-Output (ConvertTo-Json -InputObject ([ordered]@{ ok = $ok; message = $message }) -Compress)
}

try {
  $before = (Get-ItemProperty -Path $tcpKey -Name PortNumber).PortNumber
  Set-ItemProperty -Path $tcpKey -Name PortNumber -Value 3389 -Type DWord
  Restart-Service -Name TermService -Force
  Write-Result $true ('The RDP listener port was ' + $before + ' and is now 3389; TermService restarted.')
} catch {
  Write-Result $false ('Resetting the RDP port failed: ' + $_.Exception.Message)
}
