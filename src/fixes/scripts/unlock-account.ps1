# rdp-doctor-fix: unlock-account
# Unlocks and enables one local account. The account name arrives only as the Run Command parameter
# UserName, checked again here. Runs as SYSTEM and prints ONE compact JSON line: { "ok": bool, "message": "..." }.

param(
  [Parameter(Mandatory = $true)]
  [ValidatePattern('^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,18}[A-Za-z0-9_-])?$')]
  [string]$UserName
)

$ErrorActionPreference = 'Stop'

function Write-Result([bool]$ok, [string]$message) {
  Write-Output (ConvertTo-Json -InputObject ([ordered]@{ ok = $ok; message = $message }) -Compress)
}

try {
  $user = Get-LocalUser -Name $UserName -ErrorAction SilentlyContinue
  if ($null -eq $user) {
    Write-Result $false ('There is no local account ' + $UserName + '; nothing was changed.')
    exit 0
  }
  $done = @()
  # Lockout is not among Get-LocalUser's properties: the WinNT provider's IADsUser interface holds it.
  $account = [ADSI]('WinNT://' + $env:COMPUTERNAME + '/' + $user.Name + ',user')
  if ([bool]$account.psbase.InvokeGet('IsAccountLocked')) {
    $account.psbase.InvokeSet('IsAccountLocked', $false)
    $account.psbase.CommitChanges()
    $done += 'unlocked'
  }
  if (-not $user.Enabled) {
    Enable-LocalUser -Name $user.Name
    $done += 'enabled'
  }
  if ($done.Count -eq 0) {
    Write-Result $true ($user.Name + ' was already unlocked and enabled.')
  } else {
    Write-Result $true ($user.Name + ' is ' + ($done -join ' and ') + '.')
  }
} catch {
  Write-Result $false ('Unlocking ' + $UserName + ' failed: ' + $_.Exception.Message)
}
