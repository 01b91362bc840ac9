# rdp-doctor guest probe, run once per diagnosis through Run Command (RunPowerShellScript) as SYSTEM.
# It reads and never changes anything, takes no parameters and no input, and prints ONE compact JSON
# object: the guest facts contract (src/diagnosis/guest-facts.ts). Run Command returns only the last
# 4,096 bytes of output and cuts the front of anything longer, which would lose the whole document. A
# sub-probe that fails leaves its field null and adds { probe, message } to errors; the probe itself never
# fails.

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
# Windows PowerShell 5.1 serializes arrays as { value, Count } while this type data is loaded.
Remove-TypeData -TypeName System.Array -ErrorAction SilentlyContinue

# Every string the guest writes is cut to a length, and every list to a count of items and to a byte budget
# for its JSON, so that the largest document these caps allow fits the output limit whatever the guest holds
# (test/azure/probe-size.test.ts builds it). Names keep their characters and their length (a Windows
# account name has at most 20); tokens keep only the characters of codes, versions and addresses. The events
# of all sources share one budget, filled with the rare, telling ones first. Should a document still be too
# long, the shrink loop at the end drops list items, and at worst a minimal document is printed.
$probeCaps = [ordered]@{
  outputBytes = 4000
  captionChars = 40
  messageChars = 40
  nameChars = 20
  processNameChars = 24
  hostChars = 40
  tokenChars = 16
  thumbprintChars = 40
  hotfixIdChars = 12
  codeChars = 10
  addressChars = 40
  errors = 3
  errorBytes = 300
  sessions = 8
  sessionBytes = 280
  accounts = 8
  accountBytes = 480
  hotfixes = 3
  hotfixBytes = 100
  processes = 5
  processBytes = 220
  licenseServers = 2
  licenseServerBytes = 60
  failureEvents = 8
  lockoutEvents = 2
  profileEvents = 3
  shellEvents = 2
  credsspEvents = 1
  sessionEvents = 6
  eventBytes = 1280
}

$since = (Get-Date).AddHours(-24)
$tsKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server'
$tcpKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp'
$tsPolicyKey = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'
$errs = New-Object System.Collections.ArrayList

# Free text and names: control characters and runs of white space become one space, then the text is cut.
function Limit-Text($text, [int]$max) {
  if ($null -eq $text) { return $null }
  $clean = ([string]$text -replace '[\x00-\x1F\x7F\s]+', ' ').Trim()
  if ($clean.Length -gt $max) { $clean = $clean.Substring(0, $max) }
  return $clean
}

# Codes, versions, addresses and host names: only the characters they are written with, then cut.
function Limit-Token($text, [int]$max) {
  if ($null -eq $text) { return $null }
  $clean = [string]$text -replace '[^A-Za-z0-9._:%-]', ''
  if ($clean.Length -gt $max) { $clean = $clean.Substring(0, $max) }
  return $clean
}

# ConvertTo-Json in Windows PowerShell 5.1 writes ' < > & as six-byte \u00XX escapes that JSON does not
# need; they are written back as themselves (never after an escaped backslash), so a name keeps its length.
function ConvertTo-ProbeJson($value) {
  $json = ConvertTo-Json -InputObject $value -Compress -Depth 6
  foreach ($escape in @(@('27', "'"), @('3c', '<'), @('3e', '>'), @('26', '&'))) {
    $json = $json -replace ('(?<=(?<!\\)(?:\\\\)*)\\u00' + $escape[0]), $escape[1]
  }
  return $json
}

# Adds the item unless the list is full: $count items at most, and the JSON of its items, each with the comma
# before it, within $budget bytes.
$budgetUsed = @{}
function Add-Within($list, [int]$count, [string]$budget, $item) {
  if ($list.Count -ge $count) { return }
  $size = [System.Text.Encoding]::UTF8.GetByteCount((ConvertTo-ProbeJson $item)) + 1
  $used = [int]$budgetUsed[$budget]
  if ($used + $size -gt $probeCaps[$budget]) { return }
  $budgetUsed[$budget] = $used + $size
  [void]$list.Add($item)
}

function Add-ProbeError([string]$probe, [string]$message) {
  Add-Within $errs $probeCaps.errors 'errorBytes' @{ probe = $probe; message = Limit-Text $message $probeCaps.messageChars }
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
  $token = Limit-Token $code $probeCaps.codeChars
  if ($token -match '^0x') { return '0x' + $token.Substring(2).ToUpper() }
  return $token
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

# The provider is the one the query asked for, so that its length is known.
function New-Event($record, [string]$log, [string]$provider, $data) {
  return @{
    log = $log
    id = [int]$record.Id
    time = Get-Iso $record.TimeCreated
    provider = $provider
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
    $domain = Limit-Token $computer.Domain $probeCaps.hostChars
    try { $secureChannel = [bool](Test-ComputerSecureChannel) } catch { Add-ProbeError 'secureChannel' $_.Exception.Message }
  }
  $os = @{
    caption = Limit-Text $osInfo.Caption $probeCaps.captionChars
    version = Limit-Token $osInfo.Version $probeCaps.tokenChars
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
  $startType = Limit-Token $service.StartType $probeCaps.tokenChars
  if (-not $startType) {
    $startType = Limit-Token (Get-CimInstance -ClassName Win32_Service -Filter "Name='TermService'").StartMode $probeCaps.tokenChars
  }
  $rdp.termService = @{ status = Limit-Token $service.Status $probeCaps.tokenChars; startType = $startType }
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
    $rdp.certificate = @{ thumbprint = Limit-Token $found[0].Thumbprint $probeCaps.thumbprintChars; present = $true; notAfter = Get-Iso $found[0].NotAfter }
  } else {
    $rdp.certificate = @{ thumbprint = Limit-Token $thumbprint $probeCaps.thumbprintChars; present = $false; notAfter = $null }
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
  $serverList = New-Object System.Collections.ArrayList
  @($servers) | ForEach-Object { ([string]$_) -split ',' } | ForEach-Object { Limit-Token $_ $probeCaps.hostChars } |
      Where-Object { $_ } | ForEach-Object { Add-Within $serverList $probeCaps.licenseServers 'licenseServerBytes' $_ }
  $graceDays = $null
  if ($installed) { $graceDays = [int](Invoke-CimMethod -InputObject $tsSetting -MethodName GetGracePeriodDays).DaysLeft }
  $rdp.rdsh = @{ installed = $installed; licensingMode = Get-IntOrNull $mode; licenseServers = $serverList; graceDaysLeft = $graceDays }
} catch { Add-ProbeError 'rdsh' $_.Exception.Message }

try {
  $oracle = Get-Reg 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\CredSSP\Parameters' 'AllowEncryptionOracle'
  $rdp.credssp = @{ allowEncryptionOracle = Get-IntOrNull $oracle }
} catch { Add-ProbeError 'credssp' $_.Exception.Message }

# Sessions from the Remote Desktop Services API, whose numeric connect states read the same in every
# language (quser's text is localized: "Aktiv", "Getr."). The states are named as quser names them in
# English. Only sessions with a signed-in user are listed (as quser lists them), disconnected ones first:
# they are the stale ones a collision is resolved by.
try {
  Add-Type -Namespace RdpDoctor -Name Wts -MemberDefinition @'
[DllImport("wtsapi32.dll", EntryPoint = "WTSEnumerateSessionsW", SetLastError = true)]
public static extern bool EnumerateSessions(IntPtr server, int reserved, int version, out IntPtr sessions, out int count);
[DllImport("wtsapi32.dll", EntryPoint = "WTSQuerySessionInformationW", SetLastError = true)]
public static extern bool QuerySessionInformation(IntPtr server, int sessionId, int infoClass, out IntPtr buffer, out int bytes);
[DllImport("wtsapi32.dll", EntryPoint = "WTSFreeMemory")]
public static extern void FreeMemory(IntPtr memory);
'@
  # WTS_CONNECTSTATE_CLASS, in order from WTSActive (0) to WTSInit (9).
  $stateNames = @('Active', 'Conn', 'ConnQ', 'Shadow', 'Disc', 'Idle', 'Listen', 'Reset', 'Down', 'Init')
  $wtsUserName = 5
  $marshal = [System.Runtime.InteropServices.Marshal]
  $buffer = [IntPtr]::Zero
  $count = 0
  if (-not [RdpDoctor.Wts]::EnumerateSessions([IntPtr]::Zero, 0, 1, [ref]$buffer, [ref]$count)) {
    throw (New-Object System.ComponentModel.Win32Exception)
  }
  $signedIn = @()
  try {
    # WTS_SESSION_INFOW is { DWORD SessionId; LPWSTR pWinStationName; WTS_CONNECTSTATE_CLASS State }, each
    # field aligned to a pointer.
    $entrySize = 3 * [IntPtr]::Size
    for ($i = 0; $i -lt $count; $i++) {
      $entry = [IntPtr]($buffer.ToInt64() + $i * $entrySize)
      $id = $marshal::ReadInt32($entry)
      $state = $marshal::ReadInt32($entry, 2 * [IntPtr]::Size)
      $text = [IntPtr]::Zero
      $bytes = 0
      $user = ''
      if ([RdpDoctor.Wts]::QuerySessionInformation([IntPtr]::Zero, $id, $wtsUserName, [ref]$text, [ref]$bytes)) {
        $user = $marshal::PtrToStringUni($text)
        [RdpDoctor.Wts]::FreeMemory($text)
      }
      if (-not $user) { continue }
      $stateName = [string]$state
      if ($state -ge 0 -and $state -lt $stateNames.Count) { $stateName = $stateNames[$state] }
      $signedIn += @{ id = $id; user = Limit-Text $user $probeCaps.nameChars; state = $stateName }
    }
  } finally {
    [RdpDoctor.Wts]::FreeMemory($buffer)
  }
  $sessions = New-Object System.Collections.ArrayList
  $signedIn | Sort-Object -Property { $_.state -ne 'Disc' }, { $_.id } |
      ForEach-Object { Add-Within $sessions $probeCaps.sessions 'sessionBytes' $_ }
  $rdp.sessions = $sessions
} catch { Add-ProbeError 'sessions' $_.Exception.Message }

# --- updates ---
$updates = $null
try {
  $hotfixes = New-Object System.Collections.ArrayList
  Get-HotFix | Sort-Object -Property InstalledOn -Descending | Select-Object -First $probeCaps.hotfixes | ForEach-Object {
    $hotfix = @{ id = Limit-Token $_.HotFixID $probeCaps.hotfixIdChars; installedOn = Get-Iso $_.InstalledOn }
    Add-Within $hotfixes $probeCaps.hotfixes 'hotfixBytes' $hotfix
  }
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
  $top = New-Object System.Collections.ArrayList
  Get-Process | Sort-Object -Property WorkingSet64 -Descending | Select-Object -First $probeCaps.processes | ForEach-Object {
    $process = @{ name = Limit-Token $_.ProcessName $probeCaps.processNameChars; pid = [int]$_.Id; workingSetBytes = [int64]$_.WorkingSet64 }
    Add-Within $top $probeCaps.processes 'processBytes' $process
  }
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
  $accounts = New-Object System.Collections.ArrayList
  Get-CimInstance -ClassName Win32_UserAccount -Filter 'LocalAccount=True' |
      Where-Object { $_.SID -notmatch '-(501|503|504)$' } | Select-Object -First $probeCaps.accounts | ForEach-Object {
        $account = $_
        $name = [string]$account.Name
        $expired = $false
        try {
          $user = [ADSI]('WinNT://' + $computerName + '/' + $name + ',user')
          $expired = [int]$user.PasswordExpired.Value -eq 1
        } catch { Add-ProbeError 'accounts' $_.Exception.Message }
        $suffix = '/' + $computerName + '/' + $name
        Add-Within $accounts $probeCaps.accounts 'accountBytes' @{
          name = Limit-Text $name $probeCaps.nameChars
          enabled = -not [bool]$account.Disabled
          lockedOut = [bool]$account.Lockout
          passwordExpired = $expired
          rdpAllowed = @($rdpMembers | Where-Object { $_.EndsWith($suffix, [System.StringComparison]::OrdinalIgnoreCase) }).Count -gt 0
        }
      }
} catch { $accounts = $null; Add-ProbeError 'accounts' $_.Exception.Message }

# --- events of the last 24 h, one capped list per source ---
$eventSources = [ordered]@{}
foreach ($source in @('failures', 'lockouts', 'profile', 'shell', 'credssp', 'sessions')) {
  $eventSources[$source] = New-Object System.Collections.ArrayList
}
$failedSources = 0
$securityProvider = 'Microsoft-Windows-Security-Auditing'

# Failed logons, folded by account, status and address; data.Count is the group size, time the newest.
try {
  $groups = [ordered]@{}
  foreach ($record in (Get-Events @{ LogName = 'Security'; ProviderName = $securityProvider; Id = 4625; StartTime = $since } 1000)) {
    $data = Get-NamedData $record
    $key = [string]$data['TargetUserName'] + '|' + [string]$data['SubStatus'] + '|' + [string]$data['IpAddress']
    if ($groups.Contains($key)) {
      $groups[$key].n += 1
    } else {
      $groups[$key] = @{ n = 1; record = $record; data = $data }
    }
  }
  $folded = @($groups.Values | Sort-Object -Property { $_.n } -Descending | Select-Object -First $probeCaps.failureEvents)
  foreach ($group in $folded) {
    $data = @{
      TargetUserName = Limit-Text $group.data['TargetUserName'] $probeCaps.nameChars
      Status = Format-Status ([string]$group.data['Status'])
      SubStatus = Format-Status ([string]$group.data['SubStatus'])
      IpAddress = Limit-Token $group.data['IpAddress'] $probeCaps.addressChars
      Count = [string]$group.n
    }
    [void]$eventSources['failures'].Add((New-Event $group.record 'Security' $securityProvider $data))
  }
} catch { $failedSources += 1; Add-ProbeError 'events.4625' $_.Exception.Message }

try {
  $lockoutFilter = @{ LogName = 'Security'; ProviderName = $securityProvider; Id = 4740; StartTime = $since }
  foreach ($record in (Get-Events $lockoutFilter $probeCaps.lockoutEvents)) {
    $named = Get-NamedData $record
    $data = @{
      TargetUserName = Limit-Text $named['TargetUserName'] $probeCaps.nameChars
      TargetDomainName = Limit-Text $named['TargetDomainName'] $probeCaps.nameChars
    }
    [void]$eventSources['lockouts'].Add((New-Event $record 'Security' $securityProvider $data))
  }
} catch { $failedSources += 1; Add-ProbeError 'events.4740' $_.Exception.Message }

try {
  $profileProvider = 'Microsoft-Windows-User Profiles Service'
  $profileFilter = @{ LogName = 'Application'; ProviderName = $profileProvider; Id = 1500, 1502, 1508, 1511, 1515; StartTime = $since }
  foreach ($record in (Get-Events $profileFilter $probeCaps.profileEvents)) {
    [void]$eventSources['profile'].Add((New-Event $record 'Application' $profileProvider @{}))
  }
} catch { $failedSources += 1; Add-ProbeError 'events.profile' $_.Exception.Message }

try {
  $crashes = @(Get-Events @{ LogName = 'Application'; ProviderName = 'Application Error'; Id = 1000; StartTime = $since } 50 |
      Where-Object { @('explorer.exe', 'dwm.exe') -contains ([string]$_.Properties[0].Value).ToLower() } | Select-Object -First $probeCaps.shellEvents)
  foreach ($record in $crashes) {
    $data = @{ AppName = Limit-Token $record.Properties[0].Value $probeCaps.tokenChars }
    [void]$eventSources['shell'].Add((New-Event $record 'Application' 'Application Error' $data))
  }
} catch { $failedSources += 1; Add-ProbeError 'events.shell' $_.Exception.Message }

# CredSSP refused to negotiate because of the encryption-oracle policy (LsaSrv 6041).
try {
  foreach ($record in (Get-Events @{ LogName = 'System'; ProviderName = 'LsaSrv'; Id = 6041; StartTime = $since } $probeCaps.credsspEvents)) {
    [void]$eventSources['credssp'].Add((New-Event $record 'System' 'LsaSrv' @{}))
  }
} catch { $failedSources += 1; Add-ProbeError 'events.credssp' $_.Exception.Message }

# Session logons (21), logoffs (23) and disconnects (24).
try {
  $lsmProvider = 'Microsoft-Windows-TerminalServices-LocalSessionManager'
  $lsmLog = $lsmProvider + '/Operational'
  $lsmFilter = @{ LogName = $lsmLog; ProviderName = $lsmProvider; Id = 21, 23, 24; StartTime = $since }
  foreach ($record in (Get-Events $lsmFilter $probeCaps.sessionEvents)) {
    $detail = ([xml]$record.ToXml()).Event.UserData.EventXML
    # DOMAIN\user: the user alone, as the sessions and accounts name it.
    $userName = ([string]$detail.User -split '\\')[-1]
    $data = @{
      User = Limit-Text $userName $probeCaps.nameChars
      SessionID = Limit-Token $detail.SessionID $probeCaps.tokenChars
    }
    [void]$eventSources['sessions'].Add((New-Event $record $lsmLog $lsmProvider $data))
  }
} catch { $failedSources += 1; Add-ProbeError 'events.sessions' $_.Exception.Message }

# The events of every source share one budget: the rare, telling ones (lockouts, profile failures, shell
# crashes) are taken before the bulky ones (session changes, failed logons).
$events = New-Object System.Collections.ArrayList
foreach ($source in @('lockouts', 'profile', 'shell', 'credssp', 'sessions', 'failures')) {
  foreach ($item in $eventSources[$source]) { Add-Within $events ([int]::MaxValue) 'eventBytes' $item }
}

$facts = @{
  schemaVersion = 1
  collectedAt = Get-Iso (Get-Date)
  os = $os
  rdp = $rdp
  updates = $updates
  resources = $resources
  accounts = $accounts
  events = $events
  errors = $errs
}
# With every event source failing, the events are unknown rather than none.
if ($failedSources -eq $eventSources.Count) { $facts.events = $null }

function Test-Fits([string]$json) {
  return [System.Text.Encoding]::UTF8.GetByteCount($json) -le $probeCaps.outputBytes
}

# The lists the shrink loop cuts from the end, most expendable first, each down to the items it keeps. Events
# end with the bulky failed logons, so those go first.
$trimOrder = @(
  @{ list = $resources.topProcesses; keep = 1 },
  @{ list = $updates.lastHotfixes; keep = 1 },
  @{ list = $rdp.rdsh.licenseServers; keep = 1 },
  @{ list = $events; keep = 0 },
  @{ list = $rdp.sessions; keep = 0 },
  @{ list = $accounts; keep = 0 },
  @{ list = $errs; keep = 0 }
)

function Select-Trimmable {
  foreach ($step in $trimOrder) {
    if ($null -ne $step.list -and $step.list.Count -gt $step.keep) { return ,$step.list }
  }
  return $null
}

$json = $null
try {
  $json = ConvertTo-ProbeJson $facts
  $dropped = 0
  while (-not (Test-Fits $json)) {
    $list = Select-Trimmable
    if ($null -eq $list) { break }
    $list.RemoveAt($list.Count - 1)
    $dropped += 1
    $note = @{ probe = 'output'; message = ('dropped ' + $dropped + ' list items to fit the Run Command output') }
    $facts.errors = @($errs) + @($note)
    $json = ConvertTo-ProbeJson $facts
  }
} catch { $json = $null }

# Nothing left to drop and still too long, or not serializable: a document that always fits says so.
if ($null -eq $json -or -not (Test-Fits $json)) {
  $json = ConvertTo-ProbeJson @{
    schemaVersion = 1
    collectedAt = Get-Iso (Get-Date)
    errors = @(@{ probe = 'output'; message = 'the guest facts did not fit the Run Command output' })
  }
}
Write-Output $json
