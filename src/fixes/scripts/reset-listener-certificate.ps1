# rdp-doctor-fix: reset-listener-certificate
# Lets Windows regenerate the RDP listener's self-signed certificate: removes the thumbprint pinned on
# RDP-Tcp (SSLCertificateSHA1Hash) and the certificates in the Remote Desktop store, then restarts
# TermService, which creates a new self-signed certificate. Runs through Run Command as SYSTEM, takes no
# parameters, and prints ONE compact JSON line: { "ok": bool, "message": "..." }.

$ErrorActionPreference = 'Stop'
$tcpKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp'
$store = 'Cert:\LocalMachine\Remote Desktop'

function Write-Result([bool]$ok, [string]$message) {
  Write-Output (ConvertTo-Json -InputObject ([ordered]@{ ok = $ok; message = $message }) -Compress)
}

try {
  Remove-ItemProperty -Path $tcpKey -Name SSLCertificateSHA1Hash -ErrorAction SilentlyContinue
  $old = @(Get-ChildItem -Path $store -ErrorAction SilentlyContinue)
  foreach ($certificate in $old) { Remove-Item -Path $certificate.PSPath }
  Restart-Service -Name TermService -Force
  Start-Sleep -Seconds 5
  $new = @(Get-ChildItem -Path $store -ErrorAction SilentlyContinue | Sort-Object -Property NotAfter -Descending)
  if ($new.Count -eq 0) {
    Write-Result $false ('Removed ' + $old.Count + ' certificate(s) and restarted TermService, but no new certificate appeared in the Remote Desktop store yet.')
  } else {
    Write-Result $true ('Removed ' + $old.Count + ' certificate(s); Windows made a new listener certificate ' + $new[0].Thumbprint +
      ', valid until ' + $new[0].NotAfter.ToUniversalTime().ToString('yyyy-MM-dd') + '.')
  }
} catch {
  Write-Result $false ('Resetting the listener certificate failed: ' + $_.Exception.Message)
}
