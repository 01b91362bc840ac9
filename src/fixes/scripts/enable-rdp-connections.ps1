# rdp-doctor-fix: enable-rdp-connections
# Allows Remote Desktop connections (fDenyTSConnections = 0) and enables the Remote Desktop firewall rule
# group (named by its resource id: the display name is localized). A Group Policy value overrides the
# local one, so the script says so instead of claiming success. Runs through Run Command as SYSTEM, takes
# no parameters, and prints ONE compact JSON line: { "ok": bool, "message": "..." }.

$ErrorActionPreference = 'Stop'
$tsKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server'
$tsPolicyKey = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'

function Write-Result([bool]$ok, [string]$message) {
  Write-Output (ConvertTo-Json -InputObject ([ordered]@{ ok = $ok; message = $message }) -Compress)
}

try {
  Set-ItemProperty -Path $tsKey -Name fDenyTSConnections -Value 0 -Type DWord
  Enable-NetFirewallRule -Group '@FirewallAPI.dll,-28752'
  $policy = Get-ItemProperty -Path $tsPolicyKey -Name fDenyTSConnections -ErrorAction SilentlyContinue
  if ($policy -and [int]$policy.fDenyTSConnections -eq 1) {
    Write-Result $false ('Set fDenyTSConnections to 0, but Group Policy still denies Remote Desktop (' + $tsPolicyKey + '): ' +
      "enable 'Allow users to connect remotely by using Remote Desktop Services' in the policy.")
  } else {
    Write-Result $true 'Remote Desktop connections are allowed (fDenyTSConnections = 0) and its firewall rules are enabled.'
  }
} catch {
  Write-Result $false ('Enabling Remote Desktop connections failed: ' + $_.Exception.Message)
}
