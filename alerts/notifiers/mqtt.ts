/**
 * MQTT, always on: each transition on `alerts/{department}/{rule}/{entity}` at QoS 1. A firing message
 * is retained (a subscriber arriving later sees what is firing); `resolved` is published non-retained,
 * then a zero-byte retained message clears the retained one [MQTT-3.3.1-10]. One-shot events
 * (departure, arrival) and `pending` are never retained.
 */
import type { Notification } from '../payload.ts';
import { alertTopic } from '../topic.ts';
import type { Notifier, PublishFn } from './types.ts';

export const MQTT_NOTIFIER = 'mqtt';

export function mqttNotifier(publish: PublishFn): Notifier {
  return {
    key: MQTT_NOTIFIER,
    kind: 'mqtt',
    async send(notification: Notification): Promise<void> {
      for (const t of notification.transitions) {
        const topic = alertTopic(t.department, t.rule, t.entity);
        const retain = t.state === 'firing' && !t.one_shot;
        await publish(topic, JSON.stringify(t), { qos: 1, retain });
        if (t.state === 'resolved' && !t.one_shot)
          await publish(topic, Buffer.alloc(0), { qos: 1, retain: true });
      }
    },
  };
}
