# Audit events get a hash chain; on PostgreSQL a trigger makes the table append-only in the database
# (the ORM refuses updates already, but `_base_manager.update()` or SQL went through).

from django.db import migrations, models

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION '审计日志只能追加，不能删除';
  END IF;
  -- The only update allowed: sealing an unsealed event, every other column unchanged.
  IF OLD.chain_seq IS NULL AND NEW.chain_seq IS NOT NULL AND OLD.chain_hash = '' AND NEW.chain_hash <> ''
     AND (NEW.id, NEW.event_type, NEW.actor_id, NEW.actor_repr, NEW.subject_type, NEW.subject_id, NEW.subject_repr,
          NEW.before::text, NEW.after::text, NEW.request_id, NEW.ip_address, NEW.created_at)
     IS NOT DISTINCT FROM
         (OLD.id, OLD.event_type, OLD.actor_id, OLD.actor_repr, OLD.subject_type, OLD.subject_id, OLD.subject_repr,
          OLD.before::text, OLD.after::text, OLD.request_id, OLD.ip_address, OLD.created_at) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '审计日志只能追加，不能修改';
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
  FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)
    return run


def seal_existing(apps, schema_editor):
    from gaoxin.core.audit_chain import seal

    seal(event_model=apps.get_model("core", "AuditEvent"), counter_model=apps.get_model("core", "DocumentCounter"))


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_notification'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='chain_hash',
            field=models.CharField(blank=True, default='', max_length=64, verbose_name='链哈希'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='chain_seq',
            field=models.BigIntegerField(blank=True, null=True, unique=True, verbose_name='链序号'),
        ),
        migrations.RunPython(_on_postgresql(APPEND_ONLY), _on_postgresql(DROP)),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
