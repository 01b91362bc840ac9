# rdp-doctor-fix: unlock-account
# Unlocks and enables one local account. The account name arrives only as the Run Command parameter
# UserName, checked again here. Runs as SYSTEM and prints ONE compact JSON line: { "ok": bool, "message": "..." }.

param(
  [Parameter(Mandatory = $true)]
  [ValidatePattern('^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,18}[A-Za-z0-9_-])?$')]
  [string]$UserName
)

$ErrorActionPreference = 'Stop'
# NERR_UserNotFound as an HRESULT: the WinNT provider's answer for an account that does not exist.
$userNotFound = -2147022675
# ADS_UF_ACCOUNTDISABLE in the account's UserFlags.
$accountDisable = 0x2

function Write-Result([bool]$ok, [string]$message) {
  Write-Output (ConvertTo-Json -InputObject ([ordered]@{ ok = $ok; message = $message }) -Compress)
}

# The WinNT provider, not Microsoft.PowerShell.LocalAccounts: that module is missing from 32-bit PowerShell
# and from older images.
try {
  try {
    $account = [ADSI]('WinNT://' + $env:COMPUTERNAME + '/' + $UserName + ',user')
    $account.psbase.RefreshCache()
  } catch {
    $cause = $_.Exception.GetBaseException()
    if ($cause -is [System.Runtime.InteropServices.COMException] -and $cause.ErrorCode -eq $userNotFound) {
      Write-Result $false ('There is no local account ' + $UserName + '; nothing was changed.')
      exit 0
    }
    throw
  }
  $name = [string]$account.psbase.Name
  $done = @()
  if ([bool]$account.psbase.InvokeGet('IsAccountLocked')) {
    $account.psbase.InvokeSet('IsAccountLocked', $false)
    $done += 'unlocked'
  }
  # Read after the unlock: the provider keeps the lockout in the same flags.
  $flags = [int]$account.psbase.InvokeGet('UserFlags')
  if ($flags -band $accountDisable) {
    $account.psbase.InvokeSet('UserFlags', ($flags -band (-bnot $accountDisable)))
    $done += 'enabled'
  }
  if ($done.Count -eq 0) {
    Write-Result $true ($name + ' was already unlocked and enabled.')
  } else {
    $account.psbase.CommitChanges()
    Write-Result $true ($name + ' is ' + ($done -join ' and ') + '.')
  }
} catch {
  Write-Result $false ('Unlocking ' + $UserName + ' failed: ' + $_.Exception.Message)
}
