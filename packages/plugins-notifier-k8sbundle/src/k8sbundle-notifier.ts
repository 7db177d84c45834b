import { setTimeout as sleep } from 'node:timers/promises';
import type { Informer, KubernetesObject } from '@kubernetes/client-node';
import { kubeErrorMessage, kubeStatusCode, loadKubeConfig } from '@spire-ts/plugin-kube';
import { Code, errorCode, pemCertificates, type HostServices, type Logger, type Notifier, type PluginBundle } from '@spire-ts/core/plugin';
import type { K8sBundleCluster, K8sBundleConfig } from './config.js';
import { K8sBundleErrors } from './errors.js';
import { apiServiceTarget, configMapTarget, webhookTarget, type BundleTarget, type ObjectRef } from './targets.js';

/** client-go's retry.DefaultRetry: 5 tries, 10 ms apart. */
const CONFLICT_TRIES = 5;
const CONFLICT_DELAY_MS = 10;
/** Wait before a watch that failed is started again. */
const REWATCH_DELAY_MS = 5_000;

/** The targets of one cluster: its ConfigMap, then the labelled kinds it is configured for. */
export function clusterTargets(c: K8sBundleCluster): BundleTarget[] {
  const kc = loadKubeConfig(c.kubeConfigFilePath);
  const targets = [configMapTarget(kc, c.namespace, c.configMap, c.configMapKey)];
  if (c.webhookLabel) targets.push(webhookTarget(kc, 'Mutating', c.webhookLabel), webhookTarget(kc, 'Validating', c.webhookLabel));
  if (c.apiServiceLabel) targets.push(apiServiceTarget(kc, c.apiServiceLabel));
  return targets;
}

const nameOf = (ref: ObjectRef) => (ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name);
const messageOf = (err: unknown) => (errorCode(err) !== Code.UNKNOWN ? (err as Error).message : kubeErrorMessage(err));

/**
 * Notifier "k8sbundle": on BundleLoaded and BundleUpdated writes the X.509 authorities as PEM to
 * a ConfigMap key in every configured cluster, and the same PEM (base64) to the caBundle of
 * labelled webhook configurations and APIServices. Each write is a read-modify-write with the
 * read resourceVersion, retried on 409 Conflict. Labelled objects are also watched, so one
 * created or changed after start gets the current bundle at once.
 */
export class K8sBundleNotifier implements Notifier {
  private latest: PluginBundle | undefined;
  private readonly informers: Informer<KubernetesObject>[] = [];
  private closed = false;

  constructor(
    private readonly targets: BundleTarget[],
    private readonly log: Logger,
    private readonly host: HostServices = {},
  ) {}

  /** Makes the notifier for `config` and waits until its watches have listed once. Throws INTERNAL. */
  static async start(config: K8sBundleConfig, log: Logger, host: HostServices): Promise<K8sBundleNotifier> {
    let targets: BundleTarget[];
    try {
      targets = config.clusters.flatMap(clusterTargets);
    } catch (err) {
      throw K8sBundleErrors.newClients(err);
    }
    const n = new K8sBundleNotifier(targets, log, host);
    try {
      await n.startInformers();
    } catch (err) {
      await n.close();
      throw K8sBundleErrors.startInformers(err);
    }
    return n;
  }

  /** Writes the bundle everywhere; failures are aggregated into one INTERNAL error. */
  async notifyBundleUpdated(bundle: PluginBundle): Promise<void> {
    await this.updateAll(bundle);
  }

  /** As notifyBundleUpdated; an error here stops the server from starting. */
  async notifyAndAdviseBundleLoaded(bundle: PluginBundle): Promise<void> {
    await this.updateAll(bundle);
  }

  /** Stops the watches. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.informers.map((i) => i.stop()));
  }

  /**
   * Updates every object of every target. As SPIRE, the bundle written is read after each object
   * (see currentPem), so the event's bundle only stands in when the server cannot be asked.
   */
  private async updateAll(bundle: PluginBundle): Promise<void> {
    this.latest = bundle;
    const problems: string[] = [];
    for (const t of this.targets) {
      let refs: ObjectRef[];
      try {
        refs = await t.list();
      } catch (err) {
        problems.push(`unable to get list: ${kubeErrorMessage(err)}`);
        continue;
      }
      for (const ref of refs) {
        try {
          await this.updateOne(t, ref, () => this.currentPem());
        } catch (err) {
          if (errorCode(err) !== Code.ALREADY_EXISTS) problems.push(`${nameOf(ref)}: ${messageOf(err)}`);
        }
      }
    }
    if (problems.length > 0) throw K8sBundleErrors.update(problems);
  }

  /** Read, build the patch with the bundle as it stands after the read, write; again on 409. */
  private async updateOne(t: BundleTarget, ref: ObjectRef, currentPem: () => Promise<string>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let obj: KubernetesObject;
      try {
        obj = await t.get(ref);
      } catch (err) {
        throw K8sBundleErrors.getObject(ref.namespace, ref.name, kubeErrorMessage(err));
      }
      const body = t.createPatch(obj, await currentPem());
      try {
        await t.patch(ref, body);
        return;
      } catch (err) {
        if (kubeStatusCode(err) !== 409 || attempt >= CONFLICT_TRIES) throw err;
        this.log.debug({ kind: t.kind, name: nameOf(ref), attempt }, 'Conflict writing the bundle; retrying');
        await sleep(CONFLICT_DELAY_MS);
      }
    }
  }

  /**
   * The bundle as the server has it now, from the IdentityProvider host service, read after the
   * object so that a racing writer is corrected; the one last notified when the server has no
   * IdentityProvider or it is not ready yet.
   */
  private async currentPem(): Promise<string> {
    let bundle = this.latest;
    if (this.host.identityProvider) {
      try {
        bundle = (await this.host.identityProvider.fetchX509Identity()).bundle;
      } catch {
        // Not initialised yet (the server is starting): BundleLoaded will write the bundle.
      }
    }
    if (!bundle) throw K8sBundleErrors.noBundle();
    return pemCertificates(bundle.x509Authorities.map((a) => a.asn1));
  }

  private async onObject(t: BundleTarget, obj: KubernetesObject): Promise<void> {
    if (this.closed) return;
    const ref = { namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '' };
    try {
      await this.updateOne(t, ref, () => this.currentPem());
      this.log.debug({ kind: t.kind, name: ref.name }, 'Set bundle for object');
    } catch (err) {
      const code = errorCode(err);
      // FAILED_PRECONDITION: no bundle yet, BundleLoaded will come. ALREADY_EXISTS: nothing to do
      // (our own patch comes back as a MODIFIED event).
      if (code === Code.FAILED_PRECONDITION || code === Code.ALREADY_EXISTS) return;
      this.log.error({ kind: t.kind, name: ref.name, error: messageOf(err) }, 'Unable to set bundle for object');
    }
  }

  private async startInformers(): Promise<void> {
    for (const t of this.targets) {
      const informer = t.informer?.();
      if (!informer) continue;
      this.informers.push(informer);
      const handle = (obj: KubernetesObject) => void this.onObject(t, obj);
      informer.on('add', handle);
      informer.on('update', handle);
      let firstError: unknown;
      let started = false;
      informer.on('error', (err) => {
        if (!started) {
          firstError = err ?? new Error('watch failed');
          return;
        }
        if (this.closed) return;
        this.log.warn({ kind: t.kind, error: kubeErrorMessage(err) }, 'Watch failed; starting it again');
        setTimeout(() => {
          if (!this.closed) void informer.start();
        }, REWATCH_DELAY_MS).unref();
      });
      await informer.start();
      started = true;
      if (firstError !== undefined) throw new Error(kubeErrorMessage(firstError));
    }
  }
}
