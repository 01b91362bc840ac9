# rdp-doctor guest probe, run once per diagnosis through Run Command (RunPowerShellScript) as SYSTEM.
# It reads and never changes anything, takes no parameters and no input, and prints ONE compact JSON
# object: the guest facts contract (src/diagnosis/guest-facts.ts). Run Command returns only the last
# 4 KB of output, so lists are capped and events are trimmed to fit. A sub-probe that fails leaves its
# field null and adds { probe, message } to errors; the probe itself never fails.

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
# Windows PowerShell 5.1 serializes arrays as { value, Count } while this type data is loaded.
Remove-TypeData -TypeName System.Array -ErrorAction SilentlyContinue

$maxOutputBytes = 4000
$since = (Get-Date).AddHours(-24)
$tsKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server'
$tcpKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp'
$tsPolicyKey = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'
$errs = New-Object System.Collections.ArrayList

function Add-ProbeError([string]$probe, [string]$message) {
  $text = ($message -replace '\s+', ' ').Trim()
  if ($text.Length -gt 100) { $text = $text.Substring(0, 100) }
  [void]$errs.Add(@{ probe = $probe; message = $text })
}

function Get-Iso($date) {
  if ($null -eq $date) { return $null }
  return ([datetime]$date).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")
}

function Get-Reg([string]$path, [string]$name) {
  $item = Get-ItemProperty -Path $path -Name $name -ErrorAction SilentlyContinue
  if ($null -eq $item) { return $null }
  $value = $item.$name
  # REG_BINARY and REG_MULTI_SZ values are arrays, which a plain return would unroll.
  if ($value -is [array]) { return ,$value }
  return $value
}

# A group policy value overrides the local setting of the same name.
function Get-Effective([string]$localPath, [string]$name) {
  $policy = Get-Reg $tsPolicyKey $name
  if ($null -ne $policy) { return $policy }
  return Get-Reg $localPath $name
}

# The contract allows only 0 or 1 here; anything else is reported rather than passed on.
function Get-Flag([string]$name, $value) {
  if ($null -eq $value) { return $null }
  $number = [int]$value
  if ($number -eq 0 -or $number -eq 1) { return $number }
  Add-ProbeError 'rdp' ($name + ' has the unexpected value ' + $number)
  return $null
}

function Get-IntOrNull($value) {
  if ($null -eq $value) { return $null }
  return [int]$value
}

function Test-PortIn($ranges, [int]$port) {
  foreach ($range in @($ranges)) {
    $text = [string]$range
    if ($text -eq 'Any') { return $true }
    if ($text -match '^(\d+)-(\d+)$') {
      if ($port -ge [int]$Matches[1] -and $port -le [int]$Matches[2]) { return $true }
    } elseif ($text -match '^\d+$') {
      if ([int]$text -eq $port) { return $true }
    }
  }
  return $false
}

# Windows logs NTSTATUS codes in either case; the rules read them as 0xC000006A.
function Format-Status([string]$code) {
  if ($code -match '^0x') { return '0x' + $code.Substring(2).ToUpper() }
  return $code
}

function Get-Events($filter, [int]$max) {
  try {
    return @(Get-WinEvent -FilterHashtable $filter -MaxEvents $max -ErrorAction Stop)
  } catch {
    if ($_.FullyQualifiedErrorId -like 'NoMatchingEventsFound*') { return @() }
    throw
  }
}

function Get-NamedData($record) {
  $data = @{}
  $xml = [xml]$record.ToXml()
  foreach ($node in @($xml.Event.EventData.Data)) {
    if ($node -is [System.Xml.XmlElement] -and $node.GetAttribute('Name')) {
      $data[$node.GetAttribute('Name')] = [string]$node.InnerText
    }
  }
  return $data
}

function New-Event($record, [string]$log, $data) {
  return @{
    log = $log
    id = [int]$record.Id
    time = Get-Iso $record.TimeCreated
    provider = [string]$record.ProviderName
    data = $data
  }
}

# --- os ---
$os = $null
$osInfo = $null
try {
  $osInfo = Get-CimInstance -ClassName Win32_OperatingSystem
  $computer = Get-CimInstance -ClassName Win32_ComputerSystem
  $joined = [bool]$computer.PartOfDomain
  $domain = $null
  $secureChannel = $null
  if ($joined) {
    $domain = [string]$computer.Domain
    try { $secureChannel = [bool](Test-ComputerSecureChannel) } catch { Add-ProbeError 'secureChannel' $_.Exception.Message }
  }
  $os = @{
    caption = [string]$osInfo.Caption
    version = [string]$osInfo.Version
    lastBootUpTime = Get-Iso $osInfo.LastBootUpTime
    domainJoined = $joined
    domain = $domain
    secureChannelOk = $secureChannel
  }
} catch { Add-ProbeError 'os' $_.Exception.Message }

# --- rdp ---
$rdp = @{
  termService = $null
  fDenyTSConnections = $null
  portNumber = $null
  listening = $null
  userAuthentication = $null
  securityLayer = $null
  certificate = $null
  firewall = $null
  rdsh = $null
  credssp = $null
  singleSessionPerUser = $null
  sessions = $null
}

try {
  $service = Get-Service -Name TermService
  $startType = [string]$service.StartType
  if (-not $startType) { $startType = [string](Get-CimInstance -ClassName Win32_Service -Filter "Name='TermService'").StartMode }
  $rdp.termService = @{ status = [string]$service.Status; startType = $startType }
} catch { Add-ProbeError 'termService' $_.Exception.Message }

try {
  $rdp.fDenyTSConnections = Get-Flag 'fDenyTSConnections' (Get-Effective $tsKey 'fDenyTSConnections')
  $rdp.singleSessionPerUser = Get-Flag 'fSingleSessionPerUser' (Get-Effective $tsKey 'fSingleSessionPerUser')
  $rdp.userAuthentication = Get-Flag 'UserAuthentication' (Get-Effective $tcpKey 'UserAuthentication')
  $rdp.securityLayer = Get-IntOrNull (Get-Effective $tcpKey 'SecurityLayer')
  $rdp.portNumber = Get-IntOrNull (Get-Reg $tcpKey 'PortNumber')
} catch { Add-ProbeError 'rdpSettings' $_.Exception.Message }

$port = 3389
if ($null -ne $rdp.portNumber) { $port = $rdp.portNumber }

try {
  $listeners = @(Get-NetTCPConnection -State Listen -LocalPort $port -ErrorAction SilentlyContinue)
  $rdp.listening = $listeners.Count -gt 0
} catch { Add-ProbeError 'listening' $_.Exception.Message }

# The listener's certificate: the thumbprint the listener is set to use, else the self-signed one
# Windows keeps in the Remote Desktop store.
try {
  $thumbprint = $null
  $hash = Get-Reg $tcpKey 'SSLCertificateSHA1Hash'
  if ($hash -is [byte[]]) {
    $thumbprint = (($hash | ForEach-Object { $_.ToString('X2') }) -join '')
  } elseif ($hash) {
    $thumbprint = ([string]$hash).ToUpper()
  }
  if (-not $thumbprint) {
    $general = Get-CimInstance -Namespace 'root\cimv2\TerminalServices' -ClassName Win32_TSGeneralSetting -Filter "TerminalName='RDP-tcp'" -ErrorAction SilentlyContinue
    if ($general -and $general.SSLCertificateSHA1Hash) { $thumbprint = ([string]$general.SSLCertificateSHA1Hash).ToUpper() }
  }
  $found = @()
  foreach ($store in @('Cert:\LocalMachine\Remote Desktop', 'Cert:\LocalMachine\My')) {
    $found += @(Get-ChildItem -Path $store -ErrorAction SilentlyContinue | Where-Object { $thumbprint -and $_.Thumbprint -eq $thumbprint })
  }
  if ($found.Count -eq 0 -and -not $thumbprint) {
    $found = @(Get-ChildItem -Path 'Cert:\LocalMachine\Remote Desktop' -ErrorAction SilentlyContinue | Sort-Object -Property NotAfter -Descending)
  }
  if ($found.Count -gt 0) {
    $rdp.certificate = @{ thumbprint = [string]$found[0].Thumbprint; present = $true; notAfter = Get-Iso $found[0].NotAfter }
  } else {
    $rdp.certificate = @{ thumbprint = $thumbprint; present = $false; notAfter = $null }
  }
} catch { Add-ProbeError 'certificate' $_.Exception.Message }

# The guest firewall as it applies now (ActiveStore holds group policy rules too), for the active profile.
# Block rules win over allow rules; a block rule scoped to some remote addresses is not counted.
try {
  $category = [string](@(Get-NetConnectionProfile -ErrorAction SilentlyContinue)[0].NetworkCategory)
  $activeProfile = 'Public'
  if ($category -eq 'DomainAuthenticated') { $activeProfile = 'Domain' }
  if ($category -eq 'Private') { $activeProfile = 'Private' }
  $firewallProfile = Get-NetFirewallProfile -Name $activeProfile -PolicyStore ActiveStore
  $defaultInbound = 'Block'
  if ([string]$firewallProfile.DefaultInboundAction -eq 'Allow') { $defaultInbound = 'Allow' }
  $firewallOn = [string]$firewallProfile.Enabled -ne 'False'
  $rdpRules = @(Get-NetFirewallRule -Group '@FirewallAPI.dll,-28752' -PolicyStore ActiveStore -ErrorAction SilentlyContinue |
      Where-Object { [string]$_.Enabled -eq 'True' -and [string]$_.Direction -eq 'Inbound' -and [string]$_.Action -eq 'Allow' })
  $allowed = $false
  $blocked = $false
  $portFilters = @(Get-NetFirewallPortFilter -All -PolicyStore ActiveStore |
      Where-Object { ([string]$_.Protocol -eq 'TCP' -or [string]$_.Protocol -eq 'Any') -and (Test-PortIn $_.LocalPort $port) })
  foreach ($filter in $portFilters) {
    $rule = Get-NetFirewallRule -AssociatedNetFirewallPortFilter $filter
    if ([string]$rule.Enabled -ne 'True' -or [string]$rule.Direction -ne 'Inbound') { continue }
    $profiles = [string]$rule.Profile
    if ($profiles -ne 'Any' -and $profiles -notmatch $activeProfile) { continue }
    if ([string]$rule.Action -eq 'Allow') { $allowed = $true }
    if ([string]$rule.Action -eq 'Block') {
      $remote = @((Get-NetFirewallAddressFilter -AssociatedNetFirewallRule $rule).RemoteAddress)
      if ($remote -contains 'Any') { $blocked = $true }
    }
  }
  $rdp.firewall = @{
    rdpRulesEnabled = $rdpRules.Count -gt 0
    portAllowed = (-not $firewallOn) -or ((-not $blocked) -and ($allowed -or $defaultInbound -eq 'Allow'))
    defaultInboundAction = $defaultInbound
  }
} catch { Add-ProbeError 'firewall' $_.Exception.Message }

# Remote Desktop Session Host: the role, its licensing, and the grace period left without a license server.
try {
  $tsSetting = Get-CimInstance -Namespace 'root\cimv2\TerminalServices' -ClassName Win32_TerminalServiceSetting
  if (Get-Command -Name Get-WindowsFeature -ErrorAction SilentlyContinue) {
    $installed = [bool](Get-WindowsFeature -Name RDS-RD-Server).Installed
  } else {
    $installed = [int]$tsSetting.TerminalServerMode -eq 1
  }
  $mode = Get-Reg $tsPolicyKey 'LicensingMode'
  if ($null -eq $mode) { $mode = Get-Reg "$tsKey\RCM\Licensing Core" 'LicensingMode' }
  $servers = Get-Reg $tsPolicyKey 'LicenseServers'
  if ($null -eq $servers) { $servers = Get-Reg 'HKLM:\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers' 'SpecifiedLicenseServers' }
  $serverList = @(@($servers) | ForEach-Object { ([string]$_) -split ',' } | ForEach-Object { $_.Trim() } | Where-Object { $_ } | Select-Object -First 5)
  $graceDays = $null
  if ($installed) { $graceDays = [int](Invoke-CimMethod -InputObject $tsSetting -MethodName GetGracePeriodDays).DaysLeft }
  $rdp.rdsh = @{ installed = $installed; licensingMode = Get-IntOrNull $mode; licenseServers = $serverList; graceDaysLeft = $graceDays }
} catch { Add-ProbeError 'rdsh' $_.Exception.Message }

try {
  $oracle = Get-Reg 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\CredSSP\Parameters' 'AllowEncryptionOracle'
  $rdp.credssp = @{ allowEncryptionOracle = Get-IntOrNull $oracle }
} catch { Add-ProbeError 'credssp' $_.Exception.Message }

# quser exits 1 when nobody is signed in; cmd keeps its stderr away from PowerShell's error handling.
try {
  $lines = @(cmd.exe /c 'quser.exe 2>nul')
  if ($LASTEXITCODE -gt 1) { throw ('quser exited with ' + $LASTEXITCODE) }
  # USERNAME  SESSIONNAME  ID  STATE  IDLE TIME  LOGON TIME; a disconnected session has no session name.
  $sessions = New-Object System.Collections.ArrayList
  foreach ($line in @($lines | Select-Object -Skip 1)) {
    if ($line -match '^.(\S+)\s+(?:\S+\s+)?(\d+)\s+(\S+)') {
      [void]$sessions.Add(@{ id = [int]$Matches[2]; user = $Matches[1]; state = $Matches[3] })
    }
  }
  $rdp.sessions = $sessions
} catch { Add-ProbeError 'sessions' $_.Exception.Message }

# --- updates ---
$updates = $null
try {
  $hotfixes = @(Get-HotFix | Sort-Object -Property InstalledOn -Descending | Select-Object -First 5 |
      ForEach-Object { @{ id = [string]$_.HotFixID; installedOn = Get-Iso $_.InstalledOn } })
  $cbs = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending'
  $wu = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired'
  $workers = @(Get-Process -Name TiWorker -ErrorAction SilentlyContinue)
  $installer = Get-Service -Name TrustedInstaller -ErrorAction SilentlyContinue
  $updates = @{
    lastHotfixes = $hotfixes
    rebootPending = (Test-Path -Path $cbs) -or (Test-Path -Path $wu)
    servicingActive = ($workers.Count -gt 0) -or ($installer -and [string]$installer.Status -eq 'Running')
  }
} catch { Add-ProbeError 'updates' $_.Exception.Message }

# --- resources ---
$resources = $null
try {
  $drive = $null
  try {
    $disk = Get-CimInstance -ClassName Win32_LogicalDisk -Filter ("DeviceID='" + $env:SystemDrive + "'")
    $drive = @{ freeBytes = [int64]$disk.FreeSpace; sizeBytes = [int64]$disk.Size }
  } catch { Add-ProbeError 'systemDrive' $_.Exception.Message }
  $memory = $null
  if ($osInfo) {
    $memory = @{ totalBytes = [int64]$osInfo.TotalVisibleMemorySize * 1024; freeBytes = [int64]$osInfo.FreePhysicalMemory * 1024 }
  }
  $top = @(Get-Process | Sort-Object -Property WorkingSet64 -Descending | Select-Object -First 5 |
      ForEach-Object { @{ name = [string]$_.ProcessName; pid = [int]$_.Id; workingSetBytes = [int64]$_.WorkingSet64 } })
  $resources = @{ systemDrive = $drive; memory = $memory; topProcesses = $top }
} catch { Add-ProbeError 'resources' $_.Exception.Message }

# --- accounts ---
# Local accounts, without the built-in Guest (501), DefaultAccount (503) and WDAGUtilityAccount (504).
# rdpAllowed: a direct member of Administrators or Remote Desktop Users (found by SID: names are localized).
$accounts = $null
try {
  $computerName = $env:COMPUTERNAME
  $rdpMembers = @()
  foreach ($sid in @('S-1-5-32-544', 'S-1-5-32-555')) {
    $groupName = (New-Object System.Security.Principal.SecurityIdentifier $sid).Translate([System.Security.Principal.NTAccount]).Value.Split('\')[-1]
    $group = [ADSI]('WinNT://' + $computerName + '/' + $groupName + ',group')
    foreach ($member in @($group.psbase.Invoke('Members'))) {
      $rdpMembers += [string]$member.GetType().InvokeMember('ADsPath', 'GetProperty', $null, $member, $null)
    }
  }
  $accounts = @(Get-CimInstance -ClassName Win32_UserAccount -Filter 'LocalAccount=True' |
      Where-Object { $_.SID -notmatch '-(501|503|504)$' } | Select-Object -First 8 | ForEach-Object {
        $account = $_
        $name = [string]$account.Name
        $expired = $false
        try {
          $user = [ADSI]('WinNT://' + $computerName + '/' + $name + ',user')
          $expired = [int]$user.PasswordExpired.Value -eq 1
        } catch { Add-ProbeError 'accounts' $_.Exception.Message }
        $suffix = '/' + $computerName + '/' + $name
        @{
          name = $name
          enabled = -not [bool]$account.Disabled
          lockedOut = [bool]$account.Lockout
          passwordExpired = $expired
          rdpAllowed = @($rdpMembers | Where-Object { $_.EndsWith($suffix, [System.StringComparison]::OrdinalIgnoreCase) }).Count -gt 0
        }
      })
} catch { Add-ProbeError 'accounts' $_.Exception.Message }

# --- events of the last 24 h (30 at most), one list per source ---
$eventSources = [ordered]@{}
foreach ($source in @('failures', 'lockouts', 'profile', 'shell', 'credssp', 'sessions')) {
  $eventSources[$source] = New-Object System.Collections.ArrayList
}
$failedSources = 0

# Failed logons, folded by account, status and address; data.Count is the group size, time the newest.
try {
  $groups = [ordered]@{}
  foreach ($record in (Get-Events @{ LogName = 'Security'; Id = 4625; StartTime = $since } 1000)) {
    $data = Get-NamedData $record
    $key = [string]$data['TargetUserName'] + '|' + [string]$data['SubStatus'] + '|' + [string]$data['IpAddress']
    if ($groups.Contains($key)) {
      $groups[$key].n += 1
    } else {
      $groups[$key] = @{ n = 1; record = $record; data = $data }
    }
  }
  $folded = @($groups.Values | Sort-Object -Property { $_.n } -Descending | Select-Object -First 8)
  foreach ($group in $folded) {
    $data = @{
      TargetUserName = [string]$group.data['TargetUserName']
      Status = Format-Status ([string]$group.data['Status'])
      SubStatus = Format-Status ([string]$group.data['SubStatus'])
      IpAddress = [string]$group.data['IpAddress']
      Count = [string]$group.n
    }
    [void]$eventSources['failures'].Add((New-Event $group.record 'Security' $data))
  }
} catch { $failedSources += 1; Add-ProbeError 'events.4625' $_.Exception.Message }

try {
  foreach ($record in (Get-Events @{ LogName = 'Security'; Id = 4740; StartTime = $since } 3)) {
    $named = Get-NamedData $record
    $data = @{ TargetUserName = [string]$named['TargetUserName']; TargetDomainName = [string]$named['TargetDomainName'] }
    [void]$eventSources['lockouts'].Add((New-Event $record 'Security' $data))
  }
} catch { $failedSources += 1; Add-ProbeError 'events.4740' $_.Exception.Message }

try {
  $profileFilter = @{ LogName = 'Application'; ProviderName = 'Microsoft-Windows-User Profiles Service'; Id = 1500, 1502, 1508, 1511, 1515; StartTime = $since }
  foreach ($record in (Get-Events $profileFilter 4)) {
    [void]$eventSources['profile'].Add((New-Event $record 'Application' @{}))
  }
} catch { $failedSources += 1; Add-ProbeError 'events.profile' $_.Exception.Message }

try {
  $crashes = @(Get-Events @{ LogName = 'Application'; ProviderName = 'Application Error'; Id = 1000; StartTime = $since } 50 |
      Where-Object { @('explorer.exe', 'dwm.exe') -contains ([string]$_.Properties[0].Value).ToLower() } | Select-Object -First 4)
  foreach ($record in $crashes) {
    [void]$eventSources['shell'].Add((New-Event $record 'Application' @{ AppName = [string]$record.Properties[0].Value }))
  }
} catch { $failedSources += 1; Add-ProbeError 'events.shell' $_.Exception.Message }

# CredSSP refused to negotiate because of the encryption-oracle policy (LsaSrv 6041).
try {
  foreach ($record in (Get-Events @{ LogName = 'System'; ProviderName = 'LsaSrv'; Id = 6041; StartTime = $since } 2)) {
    [void]$eventSources['credssp'].Add((New-Event $record 'System' @{}))
  }
} catch { $failedSources += 1; Add-ProbeError 'events.credssp' $_.Exception.Message }

# Session logons (21), logoffs (23) and disconnects (24).
try {
  $lsmLog = 'Microsoft-Windows-TerminalServices-LocalSessionManager/Operational'
  foreach ($record in (Get-Events @{ LogName = $lsmLog; Id = 21, 23, 24; StartTime = $since } 9)) {
    $detail = ([xml]$record.ToXml()).Event.UserData.EventXML
    $data = @{ User = [string]$detail.User; SessionID = [string]$detail.SessionID }
    [void]$eventSources['sessions'].Add((New-Event $record $lsmLog $data))
  }
} catch { $failedSources += 1; Add-ProbeError 'events.sessions' $_.Exception.Message }

# The leading comma keeps an empty or one-element array an array when the function returns it.
function Get-AllEvents {
  return ,@($eventSources.Values | ForEach-Object { $_ })
}

$facts = @{
  schemaVersion = 1
  collectedAt = Get-Iso (Get-Date)
  os = $os
  rdp = $rdp
  updates = $updates
  resources = $resources
  accounts = $accounts
  events = (Get-AllEvents)
  errors = $errs
}
# With every event source failing, the events are unknown rather than none.
if ($failedSources -eq $eventSources.Count) { $facts.events = $null }

# Too long for Run Command: drop the oldest event of the longest list, so that rare, telling events
# (lockouts, profile failures, shell crashes) outlast the bulky ones (failed logons, session changes).
$json = ConvertTo-Json -InputObject $facts -Compress -Depth 6
$dropped = 0
while ([System.Text.Encoding]::UTF8.GetByteCount($json) -gt $maxOutputBytes -and $facts.events.Count -gt 0) {
  $longest = $null
  foreach ($list in $eventSources.Values) {
    if ($null -eq $longest -or $list.Count -ge $longest.Count) { $longest = $list }
  }
  $longest.RemoveAt($longest.Count - 1)
  $dropped += 1
  $facts.events = (Get-AllEvents)
  $facts.errors = @($errs) + @(@{ probe = 'events'; message = ('dropped ' + $dropped + ' events to fit the Run Command output') })
  $json = ConvertTo-Json -InputObject $facts -Compress -Depth 6
}
Write-Output $json
