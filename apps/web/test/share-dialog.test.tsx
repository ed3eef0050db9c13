import { afterEach, describe, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { ShareDialog } from '../src/components/share-dialog.tsx';
import { FakeVault } from './fake-vault.ts';
import { cleanup, render } from './render.tsx';

afterEach(cleanup);

function mount(vault = new FakeVault()) {
  vault.membersList = [
    { accountId: 'a', username: 'alice', role: 'owner' },
    { accountId: 'c', username: 'carol', role: 'reader' },
  ];
  vault.users.set('bob', {
    username: 'bob',
    accountId: 'b',
    fingerprint: '11111 22222 33333',
    pin: 'new',
  });
  vault.users.set('mallory', {
    username: 'mallory',
    accountId: 'm',
    fingerprint: '99999 88888',
    pin: 'changed',
  });
  let closed = 0;
  render(<ShareDialog vault={vault} self="alice" onClose={() => closed++} />);
  return { vault, closed: () => closed };
}

describe('share dialog', () => {
  test('a later change to the members replaces the sharing notice instead of contradicting it', async () => {
    mount();
    await userEvent.fill(page.getByLabelText('Username to share with'), 'bob');
    await userEvent.click(page.getByRole('button', { name: 'Look up' }));
    await userEvent.click(page.getByLabelText('The fingerprints match'));
    await userEvent.click(page.getByRole('button', { name: 'Share as writer' }));
    await expect.element(page.getByText('bob can now open this vault as writer.')).toBeVisible();
    await userEvent.selectOptions(page.getByRole('combobox', { name: 'Role of carol' }), 'writer');
    await userEvent.click(page.getByRole('button', { name: 'Change role of carol to writer' }));
    await expect.element(page.getByText('carol is now writer.')).toBeVisible();
    await expect
      .element(page.getByText('bob can now open this vault as writer.'))
      .not.toBeInTheDocument();
  });

  test('is a modal with the members listed', async () => {
    mount();
    await expect.element(page.getByRole('dialog', { name: 'Share “Team”' })).toBeVisible();
    await expect.element(page.getByLabelText('Username to share with')).toHaveFocus();
    await expect.element(page.getByText('alice (you)')).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Remove carol' })).toBeVisible();
    await expect
      .element(page.getByRole('button', { name: 'Remove alice' }))
      .not.toBeInTheDocument();
  });

  test('shows the fingerprint; sharing waits until the user says they match', async () => {
    const { vault } = mount();
    await userEvent.fill(page.getByLabelText('Username to share with'), 'bob');
    await userEvent.click(page.getByRole('button', { name: 'Look up' }));
    await expect.element(page.getByText('11111 22222 33333')).toBeVisible();
    // Focus goes to the comparison, which reads out what to compare.
    const match = page.getByLabelText('The fingerprints match');
    await expect.element(match).toHaveFocus();
    await expect.element(match).toHaveAccessibleDescription(/Ask bob .* 11111 22222 33333$/);
    const share = page.getByRole('button', { name: /^Share as/ });
    await expect.element(share).toBeDisabled();
    await userEvent.selectOptions(
      page.getByRole('combobox', { name: 'Role', exact: true }),
      'reader',
    );
    await userEvent.click(page.getByLabelText('The fingerprints match'));
    await userEvent.click(page.getByRole('button', { name: 'Share as reader' }));
    await expect.element(page.getByText('bob can now open this vault as reader.')).toBeVisible();
    await expect.element(page.getByLabelText('Username to share with')).toHaveFocus();
    expect(vault.calls.find((c) => c.method === 'share')?.args).toEqual([
      'bob',
      'reader',
      '11111 22222 33333',
      false,
    ]);
    await expect.element(page.getByText('bob', { exact: true })).toBeVisible();
  });

  test('a changed key is a loud warning and sharing accepts it only explicitly', async () => {
    const { vault } = mount();
    await userEvent.fill(page.getByLabelText('Username to share with'), 'mallory');
    await userEvent.click(page.getByRole('button', { name: 'Look up' }));
    await expect.element(page.getByRole('alert')).toMatchTextContent('keys changed');
    await userEvent.click(page.getByLabelText('The fingerprints match'));
    await userEvent.click(page.getByRole('button', { name: 'Share as writer' }));
    await expect.poll(() => vault.calls.find((c) => c.method === 'share')?.args[3]).toBe(true);
  });

  test('an unknown user is reported', async () => {
    mount();
    await userEvent.fill(page.getByLabelText('Username to share with'), 'nobody');
    await userEvent.click(page.getByRole('button', { name: 'Look up' }));
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('There is no user with that name.');
  });

  test('a name typed with capitals finds the lower-case user', async () => {
    const { vault } = mount();
    await userEvent.fill(page.getByLabelText('Username to share with'), 'Bob ');
    await userEvent.click(page.getByRole('button', { name: 'Look up' }));
    await expect.element(page.getByText('11111 22222 33333')).toBeVisible();
    expect(vault.calls.find((c) => c.method === 'lookupUser')?.args).toEqual(['bob']);
  });

  test('removing a member shows the key rotation progress until it completes', async () => {
    const { vault } = mount();
    await userEvent.click(page.getByRole('button', { name: 'Remove carol' }));
    await userEvent.click(page.getByRole('button', { name: 'Really remove carol' }));
    await expect
      .element(page.getByRole('progressbar', { name: 'Key rotation progress' }))
      .toBeVisible();
    await expect.element(page.getByText('Rotating the vault key')).toBeVisible();
    vault.finishRotation?.();
    await expect.element(page.getByText('carol')).not.toBeInTheDocument();
    await expect.element(page.getByRole('progressbar')).not.toBeInTheDocument();
  });

  test('a manager changes a member role; owners and self have none to change', async () => {
    const { vault } = mount();
    const carol = page.getByRole('combobox', { name: 'Role of carol' });
    await expect.element(carol).toHaveValue('reader');
    await expect
      .element(page.getByRole('combobox', { name: 'Role of alice' }))
      .not.toBeInTheDocument();
    await userEvent.selectOptions(carol, 'writer');
    await userEvent.click(page.getByRole('button', { name: 'Change role of carol to writer' }));
    await expect.element(page.getByText('carol is now writer.')).toBeVisible();
    expect(vault.calls.find((c) => c.method === 'changeRole')?.args).toEqual(['c', 'writer']);
    await expect.element(carol).toHaveValue('writer');
  });

  test('a refused role change is explained and the shown role stays the real one', async () => {
    const { vault } = mount();
    vault.failNext.set('changeRole', Object.assign(new Error('x'), { code: 'forbidden' }));
    const carol = page.getByRole('combobox', { name: 'Role of carol' });
    await userEvent.selectOptions(carol, 'admin');
    await userEvent.click(page.getByRole('button', { name: 'Change role of carol to admin' }));
    await expect.element(page.getByRole('alert')).toMatchTextContent('does not allow');
    await expect.element(carol).toHaveValue('reader');
  });

  test('arrow keys on a role only pick it: nothing changes until Change role', async () => {
    const { vault } = mount();
    const carol = page.getByRole('combobox', { name: 'Role of carol' });
    await expect.element(carol).toHaveValue('reader');
    (carol.element() as HTMLSelectElement).focus();
    await userEvent.keyboard('{ArrowDown}');
    await expect.element(carol).toHaveValue('writer');
    expect(vault.calls.some((c) => c.method === 'changeRole')).toBe(false);
    await userEvent.click(page.getByRole('button', { name: 'Keep carol reader' }));
    await expect.element(carol).toHaveValue('reader');
    expect(vault.calls.some((c) => c.method === 'changeRole')).toBe(false);
  });

  test('Remove asks again (it rotates the vault key); Keep cancels and takes focus', async () => {
    const { vault } = mount();
    await userEvent.click(page.getByRole('button', { name: 'Remove carol' }));
    await expect.element(page.getByRole('button', { name: 'Keep carol' })).toHaveFocus();
    expect(vault.calls.some((c) => c.method === 'removeMember')).toBe(false);
    await userEvent.click(page.getByRole('button', { name: 'Keep carol' }));
    await expect.element(page.getByRole('button', { name: 'Remove carol' })).toBeVisible();
    expect(vault.calls.some((c) => c.method === 'removeMember')).toBe(false);
  });

  test('Escape closes it', async () => {
    const { closed } = mount();
    await expect.element(page.getByRole('dialog')).toBeVisible();
    await userEvent.keyboard('{Escape}');
    await expect.poll(closed).toBe(1);
  });

  test('readers cannot share', async () => {
    mount(new FakeVault({ role: 'reader' }));
    await expect.element(page.getByLabelText('Username to share with')).not.toBeInTheDocument();
  });
});
