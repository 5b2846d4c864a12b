{{/* ================================================================
     Names and labels
     ================================================================ */}}

{{- define "ytarchive.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 40 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name, truncated to 40 characters so that derived names
("-job-template", "-download-xxxxx" Jobs and their pods, the redis StatefulSet's
revision labels) stay within Kubernetes' 63-character limits.
*/}}
{{- define "ytarchive.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "ytarchive.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ytarchive.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ytarchive.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "ytarchive.labels" -}}
helm.sh/chart: {{ include "ytarchive.chart" . }}
{{ include "ytarchive.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ytarchive
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Usage: include "ytarchive.componentLabels" (dict "ctx" $ "component" "web") */}}
{{- define "ytarchive.componentLabels" -}}
{{ include "ytarchive.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "ytarchive.componentSelectorLabels" -}}
{{ include "ytarchive.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}


{{/* ================================================================
     Image, service accounts
     ================================================================ */}}

{{- define "ytarchive.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) }}
{{- end -}}
{{- end }}

{{- define "ytarchive.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "ytarchive.fullname" .) }}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" }}
{{- end -}}
{{- end }}

{{/* The control worker's ServiceAccount (bound to the scaler Role). */}}
{{- define "ytarchive.scalerServiceAccountName" -}}
{{- if and (eq (include "ytarchive.k8sScaler" .) "true") .Values.rbac.create -}}
{{- .Values.rbac.serviceAccountName | default (printf "%s-scaler" (include "ytarchive.fullname" .)) }}
{{- else if eq (include "ytarchive.k8sScaler" .) "true" -}}
{{- .Values.rbac.serviceAccountName | default "default" }}
{{- else -}}
{{- include "ytarchive.serviceAccountName" . }}
{{- end -}}
{{- end }}

{{/* "true" when download workers are Kubernetes Jobs made by the control worker. */}}
{{- define "ytarchive.k8sScaler" -}}
{{- if eq (toString .Values.config.scaler) "kubernetes" -}}true{{- end -}}
{{- end }}

{{/* "true" when download workers run as Jobs on any node: our scaler or KEDA's ScaledJob. */}}
{{- define "ytarchive.jobWorkers" -}}
{{- if has (toString .Values.config.scaler) (list "kubernetes" "keda") -}}true{{- end -}}
{{- end }}

{{/* ================================================================
     Secrets: names and keys
     ================================================================ */}}

{{/* Secret holding the chart-managed app secrets (generated ones too). */}}
{{- define "ytarchive.metricsSecretName" -}}
{{- .Values.metrics.existingSecret | default (include "ytarchive.secretName" .) -}}
{{- end }}

{{- define "ytarchive.metricsSecretKey" -}}
{{- if .Values.metrics.existingSecret -}}{{ .Values.metrics.existingSecretKey | default "YTARCHIVE_METRICS_TOKEN" }}{{- else -}}YTARCHIVE_METRICS_TOKEN{{- end -}}
{{- end }}

{{- define "ytarchive.secretName" -}}
{{- include "ytarchive.fullname" . }}
{{- end }}

{{- define "ytarchive.redisInternal" -}}
{{- if not (or .Values.redis.external.url .Values.redis.external.existingSecret) -}}true{{- end -}}
{{- end }}

{{- define "ytarchive.redisSecretName" -}}
{{- if .Values.redis.external.existingSecret -}}
{{- .Values.redis.external.existingSecret }}
{{- else -}}
{{- printf "%s-redis" (include "ytarchive.fullname" .) }}
{{- end -}}
{{- end }}

{{- define "ytarchive.redisUrlKey" -}}
{{- if .Values.redis.external.existingSecret -}}
{{- .Values.redis.external.existingSecretKey | default "REDIS_URL" }}
{{- else -}}
REDIS_URL
{{- end -}}
{{- end }}

{{- define "ytarchive.redisHost" -}}
{{- printf "%s-redis.%s.svc" (include "ytarchive.fullname" .) .Release.Namespace }}
{{- end }}

{{- define "ytarchive.usingSqlite" -}}
{{- if not (or .Values.database.url .Values.database.existingSecret) -}}true{{- end -}}
{{- end }}

{{/*
Keep-or-generate a secret value.
Usage: include "ytarchive.keepOrGenerate" (dict "given" $v "data" $existingData "key" "K" "length" 32)
$existingData is the .data map of the Secret found by `lookup` (or an empty dict).
*/}}
{{- define "ytarchive.keepOrGenerate" -}}
{{- if .given -}}
{{- .given -}}
{{- else if and .data (hasKey .data .key) (index .data .key) -}}
{{- index .data .key | b64dec -}}
{{- else -}}
{{- randAlphaNum (int .length) -}}
{{- end -}}
{{- end }}

{{/* ================================================================
     Storage and scheduling
     ================================================================ */}}

{{/* The library views' folder: on the archive volume (hard links need one filesystem), in its app folder. */}}
{{- define "ytarchive.libraryRoot" -}}/archive/.ytarchive/library{{- end }}

{{- define "ytarchive.archiveClaimName" -}}
{{- .Values.persistence.archive.existingClaim | default (printf "%s-archive" (include "ytarchive.fullname" .)) }}
{{- end }}

{{- define "ytarchive.dataClaimName" -}}
{{- .Values.persistence.data.existingClaim | default (printf "%s-data" (include "ytarchive.fullname" .)) }}
{{- end }}

{{/* "true" when DATA_DIR is a PVC (always the case with SQLite). */}}
{{- define "ytarchive.dataPVC" -}}
{{- if and (eq (include "ytarchive.usingSqlite" .) "true") (not .Values.persistence.data.enabled) -}}
{{- fail "SQLite (database.url empty) needs persistence.data.enabled=true: web, control worker and beat must share one database file" -}}
{{- end -}}
{{- if and .Values.persistence.data.enabled (eq (include "ytarchive.usingSqlite" .) "true") -}}true{{- end -}}
{{- end }}

{{- define "ytarchive.archiveNodeLocal" -}}
{{- $c := toString .Values.persistence.colocate -}}
{{- $rwx := has "ReadWriteMany" .Values.persistence.archive.accessModes -}}
{{- if and (eq $c "false") (not $rwx) (eq (include "ytarchive.jobWorkers" .) "true") -}}
{{- fail "persistence.archive is not ReadWriteMany but persistence.colocate=false: download-worker Jobs on other nodes cannot mount a ReadWriteOnce volume. Use a ReadWriteMany class (e.g. Trident ontap-nas, NFS, CephFS, EFS) or colocate auto/true on a single node." -}}
{{- end -}}
{{- if eq $c "true" -}}true
{{- else if eq $c "false" -}}
{{- else if not (has "ReadWriteMany" .Values.persistence.archive.accessModes) -}}true
{{- end -}}
{{- end }}

{{- define "ytarchive.dataNodeLocal" -}}
{{- $c := toString .Values.persistence.colocate -}}
{{- if and (ne $c "false") (eq (include "ytarchive.dataPVC" .) "true") -}}true{{- end -}}
{{- end }}

{{/*
"true" if a pod that mounts the archive and/or the data volume must be pinned
to the node the other such pods run on.
Usage: include "ytarchive.nodeLocal" (dict "ctx" $ "archive" true "data" false)
*/}}
{{- define "ytarchive.nodeLocal" -}}
{{- if or (and .archive (eq (include "ytarchive.archiveNodeLocal" .ctx) "true")) (and .data (eq (include "ytarchive.dataNodeLocal" .ctx) "true")) -}}true{{- end -}}
{{- end }}

{{- define "ytarchive.nodeLocalLabel" -}}
ytarchive.io/node-local: "true"
{{- end }}

{{/*
Pod affinity: the user's affinity plus, for node-local pods, a required
podAffinity to the other node-local pods of this release (a pod that matches
its own term may schedule when none is running yet).
Usage: include "ytarchive.affinity" (dict "ctx" $ "affinity" .Values.web.affinity "nodeLocal" "true")
*/}}
{{- define "ytarchive.affinity" -}}
{{- $ctx := .ctx -}}
{{- $aff := deepCopy (.affinity | default dict) -}}
{{- if eq (toString .nodeLocal) "true" -}}
{{- $sel := dict "app.kubernetes.io/instance" $ctx.Release.Name "app.kubernetes.io/name" (include "ytarchive.name" $ctx) "ytarchive.io/node-local" "true" -}}
{{- $term := dict "labelSelector" (dict "matchLabels" $sel) "topologyKey" "kubernetes.io/hostname" -}}
{{- $pa := deepCopy (get $aff "podAffinity" | default dict) -}}
{{- $req := get $pa "requiredDuringSchedulingIgnoredDuringExecution" | default list -}}
{{- $_ := set $pa "requiredDuringSchedulingIgnoredDuringExecution" (append $req $term) -}}
{{- $_ := set $aff "podAffinity" $pa -}}
{{- end -}}
{{- if $aff }}
affinity:
  {{- toYaml $aff | nindent 2 }}
{{- end }}
{{- end }}

{{/*
Volumes. Usage: include "ytarchive.volumes" (dict "ctx" $ "archive" true "data" true)
*/}}
{{- define "ytarchive.volumes" -}}
{{- $ctx := .ctx -}}
- name: tmp
  emptyDir:
    {{- with $ctx.Values.persistence.tmpSizeLimit }}
    sizeLimit: {{ . }}
    {{- else }} {}
    {{- end }}
{{- if .archive }}
- name: archive
  persistentVolumeClaim:
    claimName: {{ include "ytarchive.archiveClaimName" $ctx }}
{{- end }}
{{- if .data }}
- name: data
  {{- if eq (include "ytarchive.dataPVC" $ctx) "true" }}
  persistentVolumeClaim:
    claimName: {{ include "ytarchive.dataClaimName" $ctx }}
  {{- else }}
  emptyDir: {}
  {{- end }}
{{- end }}
{{- end }}

{{- define "ytarchive.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .archive }}
- name: archive
  mountPath: /archive
{{- end }}
{{- if .data }}
- name: data
  mountPath: /data
{{- end }}
{{- end }}

{{/* ================================================================
     Environment
     ================================================================ */}}

{{/*
A value as an env string. Helm reads numbers from values files as float64,
which print as 1e+06; whole numbers are printed as integers instead.
*/}}
{{- define "ytarchive.str" -}}
{{- if and (kindIs "float64" .) (eq (float64 (int64 .)) .) -}}
{{- int64 . | toString -}}
{{- else -}}
{{- toString . -}}
{{- end -}}
{{- end }}

{{/* YTARCHIVE_* knobs as a YAML map of strings (ConfigMap and Job template). */}}
{{- define "ytarchive.knobs" -}}
{{- $c := .Values.config -}}
{{- /* With KEDA, its ScaledJob starts the workers: the app's own scaler stays off. */}}
YTARCHIVE_SCALER: {{ ternary "none" ($c.scaler | toString) (eq (toString $c.scaler) "keda") | quote }}
YTARCHIVE_WORKERS_PER_QUEUE: {{ $c.workersPerQueue | int64 | toString | quote }}
YTARCHIVE_MAX_WORKERS: {{ $c.maxWorkers | int64 | toString | quote }}
YTARCHIVE_DOWNLOADS_PER_WORKER: {{ $c.downloadsPerWorker | int64 | toString | quote }}
YTARCHIVE_FEED_WINDOW_FACTOR: {{ include "ytarchive.str" ($c.feedWindowFactor | default 3) | quote }}
YTARCHIVE_PACING: {{ $c.pacing | default "fast" | quote }}
{{- if not (kindIs "invalid" $c.downloadsPerSite) }}
YTARCHIVE_DOWNLOADS_PER_SITE: {{ $c.downloadsPerSite | int64 | toString | quote }}
{{- end }}
{{- if not (kindIs "invalid" $c.siteRates) }}
YTARCHIVE_SITE_RATES: {{ $c.siteRates | toString | quote }}
{{- end }}
{{- if $c.egress }}
YTARCHIVE_EGRESS: {{ join "," $c.egress | quote }}
{{- end }}
YTARCHIVE_FORBIDDEN_STREAK: {{ $c.forbiddenStreak | default 3 | int64 | toString | quote }}
YTARCHIVE_WORKER_IDLE_SECONDS: {{ $c.workerIdleSeconds | int64 | toString | quote }}
YTARCHIVE_SCALE_INTERVAL_SECONDS: {{ include "ytarchive.str" $c.scaleIntervalSeconds | quote }}
YTARCHIVE_DOWNLOAD_RETRIES: {{ $c.downloadRetries | int64 | toString | quote }}
YTARCHIVE_RETRY_BASE_SECONDS: {{ include "ytarchive.str" $c.retryBaseSeconds | quote }}
YTARCHIVE_SYNC_INTERVAL_HOURS: {{ include "ytarchive.str" $c.syncIntervalHours | quote }}
YTARCHIVE_ALLOW_PRIVATE_URLS: {{ $c.allowPrivateUrls | toString | quote }}
YTARCHIVE_LEASE_SECONDS: {{ include "ytarchive.str" $c.leaseSeconds | quote }}
YTARCHIVE_RECONCILE_SECONDS: {{ include "ytarchive.str" $c.reconcileSeconds | quote }}
YTARCHIVE_SHUTDOWN_GRACE_SECONDS: {{ include "ytarchive.str" $c.shutdownGraceSeconds | quote }}
YTARCHIVE_HOUSEKEEPING_SECONDS: {{ include "ytarchive.str" $c.housekeepingSeconds | quote }}
YTARCHIVE_STATS_SAMPLE_SECONDS: {{ include "ytarchive.str" ($c.statsSampleSeconds | default 900) | quote }}
YTARCHIVE_STATS_KEEP_DAYS: {{ $c.statsKeepDays | default 400 | int64 | toString | quote }}
YTARCHIVE_YTDLP_UPDATE: {{ $c.ytdlpUpdate | default "stable" | quote }}
{{- with $c.ytdlpCanaryUrl }}
YTARCHIVE_YTDLP_CANARY_URL: {{ . | quote }}
{{- end }}
YTARCHIVE_K8S_RESOURCE_TIERS: {{ $.Values.downloadWorker.resourceTiers | toJson | quote }}
{{- with (include "ytarchive.potProviderUrl" $) }}
YTARCHIVE_POT_PROVIDER_URL: {{ . | quote }}
{{- end }}
{{- if $.Values.library.enabled }}
YTARCHIVE_LIBRARY_ROOT: {{ include "ytarchive.libraryRoot" $ | quote }}
YTARCHIVE_LIBRARY_LAYOUT: {{ $.Values.library.layout | quote }}
YTARCHIVE_LIBRARY_LINKS: {{ $.Values.library.links | default "hard" | quote }}
{{- end }}
{{- range $k, $v := $c.extra }}
{{ $k }}: {{ include "ytarchive.str" $v | quote }}
{{- end }}
{{- end }}

{{/* Settings every process needs (ConfigMap and Job template). */}}
{{- define "ytarchive.baseConfig" -}}
DJANGO_SETTINGS_MODULE: config.settings
DJANGO_DEBUG: {{ .Values.django.debug | toString | quote }}
LOG_LEVEL: {{ .Values.django.logLevel | quote }}
LOG_FORMAT: {{ .Values.django.logFormat | default "plain" | quote }}
{{- if eq (.Values.django.logFormat | default "plain") "json" }}
CELERY_QUIET: "true"
{{- end }}
TZ: {{ .Values.django.timeZone | quote }}
ARCHIVE_ROOT: /archive
HOME: /tmp
XDG_CACHE_HOME: /tmp/.cache
{{- end }}

{{- define "ytarchive.allowedHosts" -}}
{{- $fullname := include "ytarchive.fullname" . -}}
{{- $ns := .Release.Namespace -}}
{{- $hosts := list -}}
{{- range .Values.django.allowedHosts }}{{ $hosts = append $hosts . }}{{ end -}}
{{- if .Values.ingress.enabled }}
{{- range .Values.ingress.hosts }}{{ if .host }}{{ $hosts = append $hosts .host }}{{ end }}{{ end }}
{{- end }}
{{- $svc := printf "%s-web" $fullname -}}
{{- $hosts = concat $hosts (list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns) "localhost" "127.0.0.1" "[::1]") -}}
{{- $hosts | uniq | join "," -}}
{{- end }}

{{- define "ytarchive.csrfTrustedOrigins" -}}
{{- $origins := list -}}
{{- range .Values.django.csrfTrustedOrigins }}{{ $origins = append $origins . }}{{ end -}}
{{- if .Values.ingress.enabled }}
{{- range .Values.ingress.hosts }}{{ if .host }}{{ $origins = append $origins (printf "https://%s" .host) }}{{ $origins = append $origins (printf "http://%s" .host) }}{{ end }}{{ end }}
{{- end }}
{{- $origins | uniq | join "," -}}
{{- end }}

{{- define "ytarchive.env.secretKey" -}}
- name: DJANGO_SECRET_KEY
  valueFrom:
    secretKeyRef:
      {{- if .Values.django.existingSecret }}
      name: {{ .Values.django.existingSecret }}
      key: {{ .Values.django.existingSecretKey | default "DJANGO_SECRET_KEY" }}
      {{- else }}
      name: {{ include "ytarchive.secretName" . }}
      key: DJANGO_SECRET_KEY
      {{- end }}
{{- end }}

{{- define "ytarchive.env.redis" -}}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "ytarchive.redisSecretName" . }}
      key: {{ include "ytarchive.redisUrlKey" . }}
{{- include "ytarchive.env.egressProxies" . }}
{{- end }}

{{/* YTARCHIVE_EGRESS_PROXIES: proxies with credentials, from a Secret, for every process that
     loads the settings (workers use them; the others name the pool's identities alike). */}}
{{- define "ytarchive.env.egressProxies" -}}
{{- $e := .Values.egressProxies | default dict -}}
{{- if $e.existingSecret }}
- name: YTARCHIVE_EGRESS_PROXIES
  valueFrom:
    secretKeyRef:
      name: {{ $e.existingSecret }}
      key: {{ $e.existingSecretKey | default "YTARCHIVE_EGRESS_PROXIES" }}
{{- else if $e.urls }}
- name: YTARCHIVE_EGRESS_PROXIES
  valueFrom:
    secretKeyRef:
      name: {{ include "ytarchive.secretName" . }}
      key: YTARCHIVE_EGRESS_PROXIES
{{- end }}
{{- end }}

{{/* Sign-in through the home's identity provider (values signIn), for the web container only: OpenID
     Connect when signIn.oidc.clientId is set (its client secret from a Secret, never a default) and a
     forward-auth header believed from signIn.forwardAuth.trustedProxies only. Unset: nothing at all. */}}
{{- define "ytarchive.env.signIn" -}}
{{- $o := .Values.signIn.oidc | default dict -}}
{{- $f := .Values.signIn.forwardAuth | default dict -}}
{{- if $o.clientId }}
{{- if not (or $o.clientSecret $o.existingSecret) }}
{{- fail "signIn.oidc.clientId is set: set signIn.oidc.clientSecret or signIn.oidc.existingSecret too" }}
{{- end }}
{{- if not $o.issuer }}
{{- fail "signIn.oidc.clientId is set: set signIn.oidc.issuer too" }}
{{- end }}
- name: YTARCHIVE_OIDC_CLIENT_ID
  value: {{ $o.clientId | quote }}
- name: YTARCHIVE_OIDC_CLIENT_SECRET
  valueFrom:
    secretKeyRef:
      {{- if $o.existingSecret }}
      name: {{ $o.existingSecret }}
      key: {{ $o.existingSecretKey | default "YTARCHIVE_OIDC_CLIENT_SECRET" }}
      {{- else }}
      name: {{ include "ytarchive.secretName" . }}
      key: YTARCHIVE_OIDC_CLIENT_SECRET
      {{- end }}
- name: YTARCHIVE_OIDC_ISSUER
  value: {{ $o.issuer | quote }}
{{- range $key, $var := dict "name" "NAME" "roleClaim" "ROLE_CLAIM" "roles" "ROLES" "defaultRole" "DEFAULT_ROLE" "usernameClaim" "USERNAME_CLAIM" "scopes" "SCOPES" }}
{{- with (get $o $key) }}
- name: YTARCHIVE_OIDC_{{ $var }}
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- range $k, $v := $o.extra }}
- name: {{ $k }}
  value: {{ include "ytarchive.str" $v | quote }}
{{- end }}
{{- end }}
{{- if $f.userHeader }}
{{- if not $f.trustedProxies }}
{{- fail "signIn.forwardAuth.userHeader is set: set signIn.forwardAuth.trustedProxies to the proxy's addresses too" }}
{{- end }}
- name: YTARCHIVE_REMOTE_USER_HEADER
  value: {{ $f.userHeader | quote }}
- name: YTARCHIVE_TRUSTED_PROXIES
  value: {{ join "," $f.trustedProxies | quote }}
{{- with $f.groupsHeader }}
- name: YTARCHIVE_REMOTE_GROUPS_HEADER
  value: {{ . | quote }}
{{- end }}
{{- with $f.roles }}
- name: YTARCHIVE_REMOTE_ROLES
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* DATA_DIR and DATABASE_URL: only for web, control worker, beat, migrations. */}}
{{- define "ytarchive.env.database" -}}
- name: DATA_DIR
  value: /data
{{- if .Values.database.existingSecret }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.database.existingSecret }}
      key: {{ .Values.database.existingSecretKey | default "DATABASE_URL" }}
{{- else if .Values.database.url }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "ytarchive.secretName" . }}
      key: DATABASE_URL
{{- end }}
{{- end }}

{{- define "ytarchive.env.admin" -}}
- name: DJANGO_SUPERUSER_USERNAME
  value: {{ .Values.admin.username | quote }}
- name: DJANGO_SUPERUSER_EMAIL
  value: {{ .Values.admin.email | quote }}
- name: DJANGO_SUPERUSER_PASSWORD
  valueFrom:
    secretKeyRef:
      {{- if .Values.admin.existingSecret }}
      name: {{ .Values.admin.existingSecret }}
      key: {{ .Values.admin.existingSecretKey | default "password" }}
      {{- else }}
      name: {{ include "ytarchive.secretName" . }}
      key: DJANGO_SUPERUSER_PASSWORD
      {{- end }}
{{- end }}

{{- define "ytarchive.envFrom" -}}
- configMapRef:
    name: {{ include "ytarchive.fullname" . }}-env
{{- end }}

{{/* ================================================================
     Pod-level pieces
     ================================================================ */}}

{{- define "ytarchive.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* The migrations container (web initContainer or hook Job). */}}
{{- define "ytarchive.migrateContainer" -}}
- name: migrate
  image: {{ include "ytarchive.image" . }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  command: ["sh", "-c"]
  args:
    - python manage.py migrate --noinput && python manage.py ensure_admin
  envFrom:
    {{- include "ytarchive.envFrom" . | nindent 4 }}
  env:
    {{- include "ytarchive.env.secretKey" . | nindent 4 }}
    {{- include "ytarchive.env.redis" . | nindent 4 }}
    {{- include "ytarchive.env.database" . | nindent 4 }}
    {{- include "ytarchive.env.admin" . | nindent 4 }}
    {{- with .Values.extraEnv }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  securityContext:
    {{- toYaml .Values.securityContext | nindent 4 }}
  resources:
    {{- toYaml .Values.migrations.resources | nindent 4 }}
  volumeMounts:
    {{- include "ytarchive.volumeMounts" (dict "data" true) | nindent 4 }}
{{- end }}

{{/* The PO-token server every yt-dlp is told of: the chart's own (potProvider.enabled), else potProvider.url. */}}
{{- define "ytarchive.potProviderUrl" -}}
{{- if .Values.potProvider.enabled -}}
{{- printf "http://%s-pot-provider.%s.svc:%d" (include "ytarchive.fullname" .) .Release.Namespace (.Values.potProvider.port | int) -}}
{{- else -}}
{{- .Values.potProvider.url -}}
{{- end -}}
{{- end }}
