import type { Command } from 'commander';
import type { CliEnv } from '../context.ts';

export function addVersionCommand(program: Command, env: CliEnv): void {
  program
    .command('version')
    .description('Print the version of the plugin')
    .option('--short', 'print just the version number')
    .action((opts: { short?: boolean }) => {
      env.io.out(`kubectl-ramp: v${env.version}\n`);
      if (!opts.short) {
        env.io.out(`  NodeVersion: ${process.version}\n  Platform: ${process.platform}/${process.arch}\n  API: argoproj.io/v1alpha1 (Argo Rollouts compatible)\n`);
      }
    });
}
