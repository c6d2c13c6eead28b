/** Argo's status icons and replica set tags, shared by every renderer. */
export const IconWaiting = '◷';
export const IconProgressing = '◌';
export const IconWarning = '⚠';
export const IconUnknown = '?';
export const IconOK = '✔';
export const IconBad = '✖';
export const IconPaused = '॥';
export const IconNeutral = '•';

export const TagCanary = 'canary';
export const TagStable = 'stable';
export const TagActive = 'active';
export const TagPreview = 'preview';
export const TagPing = 'ping';
export const TagPong = 'pong';

export function rolloutIcon(status: string): string {
  switch (status) {
    case 'Progressing':
      return IconProgressing;
    case 'Error':
    case 'InvalidSpec':
      return IconWarning;
    case 'Paused':
      return IconPaused;
    case 'Healthy':
      return IconOK;
    case 'Degraded':
      return IconBad;
    case 'Unknown':
      return IconUnknown;
    case 'ScaledDown':
      return IconNeutral;
  }
  return ' ';
}

export function replicaSetIcon(status: string): string {
  switch (status) {
    case 'Progressing':
      return IconProgressing;
    case 'Healthy':
      return IconOK;
    case 'ReplicaFailure':
      return IconBad;
    case 'ScaledDown':
      return IconNeutral;
  }
  return ' ';
}

export function analysisIcon(phase: string): string {
  switch (phase) {
    case 'Successful':
      return IconOK;
    case 'Inconclusive':
      return IconUnknown;
    case 'Failed':
      return IconBad;
    case 'Error':
      return IconWarning;
    case 'Running':
      return IconProgressing;
    case 'Pending':
      return IconWaiting;
  }
  return ' ';
}

export function podIcon(status: string): string {
  if (status.startsWith('Init:')) return IconProgressing;
  if (status.startsWith('Signal:') || status.startsWith('ExitCode:')) return IconBad;
  // Kubelet reasons such as ErrImagePull, CreateContainerConfigError, RunContainerError.
  if (status.endsWith('Error') || status.startsWith('Err')) return IconWarning;
  switch (status) {
    case 'Pending':
    case 'Terminating':
    case 'ContainerCreating':
      return IconProgressing;
    case 'Running':
    case 'Completed':
      return IconOK;
    case 'Failed':
    case 'InvalidImageName':
    case 'CrashLoopBackOff':
      return IconBad;
    case 'ImagePullBackOff':
    case 'RegistryUnavailable':
      return IconWarning;
    case 'Unknown':
      return IconUnknown;
  }
  return ' ';
}
