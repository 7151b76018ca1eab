package dev.mxrtc.matrix;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code POST /createRoom} request.
 *
 * @param preset the preset, if any
 * @param name the room name
 * @param topic the topic
 * @param roomAliasName the local part of an alias to create
 * @param invite users to invite
 * @param initialState state events to set at creation
 * @param powerLevelContentOverrideJson a JSON object merged into the default power levels
 * @param roomVersion the room version
 * @param isDirect whether this is a direct chat
 */
public record CreateRoom(Optional<Preset> preset, Optional<String> name, Optional<String> topic,
        Optional<String> roomAliasName, List<String> invite, List<InitialState> initialState,
        Optional<String> powerLevelContentOverrideJson, Optional<String> roomVersion, boolean isDirect) {

    /** The {@code preset} values. */
    public enum Preset {
        PRIVATE_CHAT("private_chat"), TRUSTED_PRIVATE_CHAT("trusted_private_chat"), PUBLIC_CHAT("public_chat");

        private final String wireName;

        Preset(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** One entry of {@code initial_state}. */
    public record InitialState(String type, String stateKey, String contentJson) {
        public InitialState {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(stateKey, "stateKey");
            Objects.requireNonNull(contentJson, "contentJson");
        }
    }

    public CreateRoom {
        Objects.requireNonNull(preset, "preset");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(roomAliasName, "roomAliasName");
        invite = List.copyOf(invite);
        initialState = List.copyOf(initialState);
        Objects.requireNonNull(powerLevelContentOverrideJson, "powerLevelContentOverrideJson");
        Objects.requireNonNull(roomVersion, "roomVersion");
    }

    /** A room with just a preset. */
    public static CreateRoom withPreset(Preset preset) {
        return new CreateRoom(Optional.of(preset), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                List.of(), Optional.empty(), Optional.empty(), false);
    }

    public CreateRoom withName(String roomName) {
        return new CreateRoom(preset, Optional.of(roomName), topic, roomAliasName, invite, initialState,
                powerLevelContentOverrideJson, roomVersion, isDirect);
    }

    public CreateRoom withInvite(List<String> users) {
        return new CreateRoom(preset, name, topic, roomAliasName, users, initialState,
                powerLevelContentOverrideJson, roomVersion, isDirect);
    }

    public CreateRoom withInitialState(List<InitialState> state) {
        return new CreateRoom(preset, name, topic, roomAliasName, invite, state, powerLevelContentOverrideJson,
                roomVersion, isDirect);
    }

    public CreateRoom withPowerLevelOverride(String json) {
        return new CreateRoom(preset, name, topic, roomAliasName, invite, initialState, Optional.of(json),
                roomVersion, isDirect);
    }
}
