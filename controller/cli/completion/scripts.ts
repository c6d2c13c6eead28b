/**
 * The completion scripts `kubectl ramp completion <shell>` prints. Each asks the plugin itself
 * (`kubectl-ramp __complete <words> <current>`) and shows what it answers, so they never go stale
 * as commands change; the answer ends with cobra's `:<directive>` line (4: no file completion).
 */

const BASH = `# kubectl-ramp completion for bash: source <(kubectl-ramp completion bash)
_kubectl_ramp() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local out
  out=$("\${COMP_WORDS[0]}" __complete "\${COMP_WORDS[@]:1:COMP_CWORD-1}" "$cur" 2>/dev/null) || return 0
  local directive="\${out##*:}"
  local candidates="\${out%:*}"
  local IFS=$'\\n'
  COMPREPLY=($(compgen -W "$candidates" -- "$cur"))
  if [[ \${#COMPREPLY[@]} -eq 0 && $(( directive & 4 )) -eq 0 ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o default -F _kubectl_ramp kubectl-ramp
`;

const ZSH = `#compdef kubectl-ramp
# kubectl-ramp completion for zsh: source <(kubectl-ramp completion zsh)
_kubectl_ramp() {
  local out directive
  local -a candidates
  out=$(\${words[1]} __complete "\${(@)words[2,CURRENT-1]}" "\${words[CURRENT]}" 2>/dev/null) || return 1
  directive=\${out##*:}
  candidates=(\${(f)\${out%:*}})
  if (( \${#candidates} )); then
    compadd -- "\${candidates[@]}"
  elif (( (directive & 4) == 0 )); then
    _files
  fi
}
compdef _kubectl_ramp kubectl-ramp
`;

const FISH = `# kubectl-ramp completion for fish: kubectl-ramp completion fish | source
function __kubectl_ramp_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    for line in ($tokens[1] __complete $tokens[2..-1] $current 2>/dev/null)
        if not string match -q -r '^:[0-9]+$' -- $line
            echo $line
        end
    end
end
complete -c kubectl-ramp -f -a '(__kubectl_ramp_complete)'
`;

export const COMPLETION_SCRIPTS: Record<'bash' | 'zsh' | 'fish', string> = { bash: BASH, zsh: ZSH, fish: FISH };
export const SHELLS = Object.keys(COMPLETION_SCRIPTS) as Array<keyof typeof COMPLETION_SCRIPTS>;
