// actions.js -- the steps that ask first: deactivate (why?), activate (sure?), unmask (why?).
// Each asks in a message box, then calls the server; a refusal is shown as a message.
// ElMessageBox and ElMessage come from Element Plus through unplugin-auto-import.
import { useI18n } from 'vue-i18n';
import { post } from '../../lib/api.js';
import { errorText } from '../../lib/messages.js';
import { titleOf } from './kinds.js';

export function useRecordActions() {
  const { t } = useI18n();
  const kindName = (kind) => t(`registry.kinds.${kind}.one`);

  // The reason typed (at least two characters, as the server wants), or null if cancelled.
  async function askReason(title, message) {
    try {
      const { value } = await ElMessageBox.prompt(message, title, {
        confirmButtonText: t('registry.ok'), cancelButtonText: t('common.cancel'), type: 'warning',
        inputValidator: (v) => ((v ?? '').trim().length >= 2 ? true : t('registry.reasonShort')),
        customClass: 'lx-reason-box',
      });
      return value.trim();
    } catch { return null; }
  }

  function refused(err) {
    ElMessage.error({ message: errorText(t, err), duration: 6000 });
  }

  // Deactivate (with the reason, which is the confirmation) or activate (after a yes): true if done.
  async function setActive(kind, rec, active) {
    const name = titleOf(kind, rec);
    let body = {};
    if (!active) {
      const reason = await askReason(t('registry.deactivate.title', { kind: kindName(kind) }), t('registry.deactivate.ask', { name }));
      if (!reason) return false;
      body = { reason };
    } else {
      try {
        await ElMessageBox.confirm(t('registry.activate.ask', { name }), t('registry.activate.title', { kind: kindName(kind) }),
          { confirmButtonText: t('registry.activate.do'), cancelButtonText: t('common.cancel'), type: 'warning' });
      } catch { return false; }
    }
    try {
      await post(`/${kind}/${rec.id}/${active ? 'activate' : 'deactivate'}`, body);
      ElMessage.success(t(active ? 'registry.activate.done' : 'registry.deactivate.done', { name }));
      return true;
    } catch (err) { refused(err); return false; }
  }

  // The record with its full personal values (the server audits the reason first), or null.
  async function unmask(kind, rec) {
    const reason = await askReason(t('registry.unmask.title'), t('registry.unmask.ask', { name: titleOf(kind, rec) }));
    if (!reason) return null;
    try { return await post(`/${kind}/${rec.id}/unmask`, { reason }); } catch (err) { refused(err); return null; }
  }

  return { askReason, setActive, unmask, refused };
}
