{{/*
The download-worker Job manifest, rendered into ConfigMap <fullname>-job-template
(key job.yaml). The control worker's scaler loads it, may add/override fields
(e.g. more labels), and creates it with the batch/v1 API; `generateName` gives
every Job a unique name. It has Redis, the archive and the app knobs, but no
database settings (no DATA_DIR, no DATABASE_URL), and YTARCHIVE_ROLE=download
gives it Django's dummy database backend.
*/}}
{{- define "ytarchive.downloadJob" -}}
{{- $fullname := include "ytarchive.fullname" . -}}
{{- $w := .Values.downloadWorker -}}
{{- $nodeLocal := include "ytarchive.nodeLocal" (dict "ctx" . "archive" true "data" false) -}}
apiVersion: batch/v1
kind: Job
metadata:
  generateName: {{ $fullname }}-download-
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "ytarchive.selectorLabels" . | nindent 4 }}
    app.kubernetes.io/component: download-worker
    app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
    app.kubernetes.io/part-of: ytarchive
    app.kubernetes.io/managed-by: ytarchive-scaler
  {{- with .Values.commonAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  backoffLimit: {{ $w.backoffLimit | int64 }}
  ttlSecondsAfterFinished: {{ $w.ttlSecondsAfterFinished | int64 }}
  {{- if $w.activeDeadlineSeconds }}
  activeDeadlineSeconds: {{ $w.activeDeadlineSeconds | int64 }}
  {{- end }}
  # A pod evicted or preempted (a node drain, a spot node going away) hands its
  # downloads back and does not count against backoffLimit; restartPolicy Never
  # (not the seed's OnFailure) is what podFailurePolicy requires.
  podFailurePolicy:
    rules:
      - action: Ignore
        onPodConditions:
          - type: DisruptionTarget
            status: "True"
  template:
    metadata:
      labels:
        {{- include "ytarchive.selectorLabels" . | nindent 8 }}
        app.kubernetes.io/component: download-worker
        app.kubernetes.io/part-of: ytarchive
        {{- if $nodeLocal }}
        {{- include "ytarchive.nodeLocalLabel" . | nindent 8 }}
        {{- end }}
        {{- with $w.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with $w.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      restartPolicy: Never
      serviceAccountName: {{ include "ytarchive.serviceAccountName" . }}
      automountServiceAccountToken: false
      {{- with (include "ytarchive.imagePullSecrets" .) }}{{- . | trim | nindent 6 }}{{- end }}
      terminationGracePeriodSeconds: {{ $w.terminationGracePeriodSeconds | int64 }}
      {{- with $w.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
      {{- with $w.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $w.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with (include "ytarchive.affinity" (dict "ctx" . "affinity" $w.affinity "nodeLocal" $nodeLocal)) }}{{- . | trim | nindent 6 }}{{- end }}
      containers:
        - name: download-worker
          image: {{ include "ytarchive.image" . }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          args:
            - celery
            - -A
            - config
            - worker
            - -Q
            - downloads
            - -c
            - {{ .Values.config.downloadsPerWorker | int64 | toString | quote }}
            - --pool
            - threads
            - --prefetch-multiplier
            - "1"
            - -n
            - download@%h
            - -l
            - {{ .Values.django.logLevel | quote }}
            - --without-gossip
            - --without-mingle
          env:
            - name: YTARCHIVE_PROCESS_NAME
              value: download-worker
            # No database in this role, by construction: any query fails loudly.
            - name: YTARCHIVE_ROLE
              value: "download"
            {{- if $w.activeDeadlineSeconds }}
            # The Job's deadline, so the worker starts only downloads it can expect to finish
            # and hands the one in flight back (partial files kept) before Kubernetes stops it.
            - name: YTARCHIVE_WORKER_DEADLINE_SECONDS
              value: {{ $w.activeDeadlineSeconds | int64 | toString | quote }}
            {{- end }}
            {{- range $k, $v := (include "ytarchive.baseConfig" . | fromYaml) }}
            - name: {{ $k }}
              value: {{ $v | toString | quote }}
            {{- end }}
            {{- range $k, $v := (include "ytarchive.knobs" . | fromYaml) }}
            - name: {{ $k }}
              value: {{ $v | toString | quote }}
            {{- end }}
            {{- include "ytarchive.env.secretKey" . | nindent 12 }}
            {{- include "ytarchive.env.redis" . | nindent 12 }}
            {{- with $w.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
          # The scaler replaces these with the tier of downloadWorker.resourceTiers that fits
          # the queue when it creates the Job; this is the first tier.
          resources:
            {{- $tier := first $w.resourceTiers }}
            requests:
              {{- toYaml $tier.requests | nindent 14 }}
            {{- with $tier.limits }}
            limits:
              {{- toYaml . | nindent 14 }}
            {{- end }}
          volumeMounts:
            {{- include "ytarchive.volumeMounts" (dict "archive" true) | nindent 12 }}
      volumes:
        {{- include "ytarchive.volumes" (dict "ctx" . "archive" true) | nindent 8 }}
{{- end }}
