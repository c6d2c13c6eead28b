import { binDir, kubeconfigPath, logDir } from './layout.ts';
import { down, ensureArgoRollouts, ensureBinaries, isRunning, readState, up } from './cluster.ts';

const usage = 'usage: npm run cluster -- up|down|status|build [argo]|bin|env [--keep-logs]';

async function main(argv: string[]): Promise<number> {
  const [verb] = argv;
  switch (verb) {
    case 'build':
      if (argv[1] === 'argo') {
        console.log(ensureArgoRollouts());
        return 0;
      }
      ensureBinaries();
      console.log(binDir());
      return 0;
    case 'up': {
      const state = await up();
      console.log(`export KUBECONFIG=${state.kubeconfig}`);
      return 0;
    }
    case 'down':
      await down({ keepLogs: argv.includes('--keep-logs') });
      return 0;
    case 'status': {
      const state = readState();
      if (!isRunning(state)) {
        console.log('control plane: not running');
        return 1;
      }
      console.log(`control plane: running at ${state.server} since ${state.startedAt}`);
      console.log(`kubeconfig:    ${state.kubeconfig}`);
      console.log(`logs:          ${logDir()}`);
      for (const p of state.processes) console.log(`  ${p.name.padEnd(24)} pid ${p.pid}`);
      return 0;
    }
    case 'bin':
      console.log(binDir());
      return 0;
    case 'env':
      console.log(`export KUBECONFIG=${kubeconfigPath()}`);
      console.log(`export PATH=${binDir()}:$PATH`);
      return 0;
    default:
      console.error(usage);
      return 2;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
  console.error(`cluster: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
