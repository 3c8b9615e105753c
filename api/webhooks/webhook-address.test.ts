import { describe, expect, it } from 'vitest';
import { refusedAddress, refusedWebhookUrl } from './webhook-address';

describe('refusedAddress', () => {
  it('refuses loopback, private, link-local and unspecified addresses, IPv4 and IPv6', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1']) {
      expect(refusedAddress(address), address).toMatch(/loopback, private or link-local address/);
    }
  });

  it('lets public addresses through', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect(refusedAddress(address), address).toBeUndefined();
    }
  });
});

describe('refusedWebhookUrl', () => {
  const resolvesTo = (...addresses: string[]) => async () => addresses;

  it('judges a literal address without looking anything up', async () => {
    const lookup = async () => {
      throw new Error('no lookup expected');
    };
    expect(await refusedWebhookUrl('http://127.0.0.1:8080/hooks', { lookup })).toMatch(/^127\.0\.0\.1 is a loopback/);
    expect(await refusedWebhookUrl('http://[::1]/hooks', { lookup })).toMatch(/^::1 is a loopback/);
    expect(await refusedWebhookUrl('https://93.184.216.34/hooks', { lookup })).toBeUndefined();
  });

  it('refuses a name when any of its addresses is private, naming the name', async () => {
    expect(await refusedWebhookUrl('https://crm.internal/hooks', { lookup: resolvesTo('93.184.216.34', '10.0.0.5') })).toBe(
      'crm.internal resolves to 10.0.0.5 is a loopback, private or link-local address; webhooks go to public addresses unless LEADFLOW_ALLOW_PRIVATE_WEBHOOKS=true',
    );
    expect(await refusedWebhookUrl('https://crm.example.com/hooks', { lookup: resolvesTo('93.184.216.34') })).toBeUndefined();
  });

  it('lets a name that does not resolve now through: deliveries check it again', async () => {
    const fails = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect(await refusedWebhookUrl('https://nowhere.example/hooks', { lookup: fails })).toBeUndefined();
    const never = () => new Promise<string[]>(() => {});
    expect(await refusedWebhookUrl('https://slow.example/hooks', { lookup: never, timeoutMs: 50 })).toBeUndefined();
  });

  it('resolves localhost through the system resolver and refuses it', async () => {
    expect(await refusedWebhookUrl('http://localhost:3000/hooks')).toMatch(/^localhost resolves to (127\.0\.0\.1|::1) is a loopback/);
  });
});
